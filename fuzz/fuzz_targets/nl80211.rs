#![no_main]
// See wifidiag::fuzz::nl80211 for what is run and checked.
libfuzzer_sys::fuzz_target!(|data: &[u8]| wifidiag::fuzz::nl80211(data));
