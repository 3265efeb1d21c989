#![no_main]
// See wifidiag::fuzz::targets for what is run and checked.
libfuzzer_sys::fuzz_target!(|data: &[u8]| wifidiag::fuzz::targets(data));
