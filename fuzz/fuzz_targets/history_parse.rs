#![no_main]
// See wifidiag::fuzz::history_parse for what is run and checked.
libfuzzer_sys::fuzz_target!(|data: &[u8]| wifidiag::fuzz::history_parse(data));
