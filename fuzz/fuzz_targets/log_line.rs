#![no_main]
// See wifidiag::fuzz::log_line for what is run and checked.
libfuzzer_sys::fuzz_target!(|data: &[u8]| wifidiag::fuzz::log_line(data));
