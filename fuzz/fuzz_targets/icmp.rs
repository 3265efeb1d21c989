#![no_main]
// See wifidiag::fuzz::icmp for what is run and checked.
libfuzzer_sys::fuzz_target!(|data: &[u8]| wifidiag::fuzz::icmp(data));
