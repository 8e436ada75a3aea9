//! Re-identification risk of a release: attacks with Wilson intervals, baselines on a control
//! population and Anonymeter's normalised risk.
