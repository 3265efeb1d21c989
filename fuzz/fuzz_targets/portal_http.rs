#![no_main]
// See wifidiag::fuzz::portal_http for what is run and checked.
libfuzzer_sys::fuzz_target!(|data: &[u8]| wifidiag::fuzz::portal_http(data));
