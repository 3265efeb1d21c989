#![no_main]
// See wifidiag::fuzz::ie for what is run and checked.
libfuzzer_sys::fuzz_target!(|data: &[u8]| wifidiag::fuzz::ie(data));
