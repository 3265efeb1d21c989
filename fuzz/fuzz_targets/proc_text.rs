#![no_main]
// See wifidiag::fuzz::proc_text for what is run and checked.
libfuzzer_sys::fuzz_target!(|data: &[u8]| wifidiag::fuzz::proc_text(data));
