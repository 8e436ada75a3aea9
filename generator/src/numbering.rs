//! Which operator each SIM belongs to, and its MSISDN, IMSI and account number.
//!
//! SIM keys `[0, keys)` are permuted and split into one segment per operator, sized by the
//! scenario's market shares: the segment a key lands in is its operator, its offset in the segment
//! its rank there. The rank is mapped by further keyed permutations onto the operator's real number
//! blocks (MSISDN), its MSIN space (IMSI) and its account numbers. Distinct keys never share a
//! number, and any SIM's identifiers are computed in O(1) from its key alone.
//!
//! The SIM key space: residents' keys are `person id × MAX_SIMS + slot`, below
//! [`VISITOR_SIM_KEY_BASE`], where inbound visitors' keys start.

use std::fmt;

use crate::columnar::StringColumn;
use crate::permutation::Permutation;
use crate::public_data::{Operator, operators};
use crate::rng::key_hash;

/// Most SIMs one person holds; SIM keys are `person id × MAX_SIMS + slot`.
pub(crate) const MAX_SIMS: u64 = 3;

/// Most persons a population holds: residents' SIM keys (`person id × MAX_SIMS + slot`) stay
/// below [`VISITOR_SIM_KEY_BASE`], where inbound visitors' keys start, so at
/// most 66,666,666 persons (Malaysia's census population is 32,447,385).
pub(crate) const MAX_PERSONS: u64 = VISITOR_SIM_KEY_BASE / MAX_SIMS;

/// SIM key of the first visitor index: above every resident's key (persons × 3 SIMs) and low
/// enough that record ids (SIM key × 400 days × 2^16 records below 2^53) stay unique.
pub(crate) const VISITOR_SIM_KEY_BASE: u64 = 200_000_000;
/// Most visitor indices a scenario may have (SIM keys up to 2^53 / 2^16 / 400).
pub(crate) const MAX_VISITORS: u64 = (1 << 37) / 400 - VISITOR_SIM_KEY_BASE;

/// The number blocks of one operator, all of the same size.
#[derive(Debug, Clone)]
struct NumberBlocks {
    /// Leading digits (after country code 60) of each block.
    blocks: Vec<u64>,
    /// Digits that follow a block's leading digits.
    tail_digits: u32,
}

/// One operator's share of the SIM keys and its number spaces.
#[derive(Debug, Clone)]
struct OperatorPlan {
    operator: usize,
    segment_start: u64,
    segment_len: u64,
    nine: NumberBlocks,
    ten: NumberBlocks,
    msisdn: Permutation,
    msin: Permutation,
    account: Permutation,
}

/// A SIM's operator and identifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SimNumbers {
    /// Index into [`operators`].
    pub operator: usize,
    /// E.164 number with `+`, e.g. `+60123456789`.
    pub msisdn: String,
    /// 15-digit IMSI: MCC 502, MNC, MSIN.
    pub imsi: String,
    /// The operator's account number of the subscription.
    pub(crate) account: String,
}

/// The scenario needs more numbers than an operator's real ranges hold.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberingExhausted {
    /// Operator name.
    pub operator: &'static str,
    /// SIM keys the scenario assigns it.
    pub(crate) needed: u64,
    /// Numbers its ranges hold.
    pub(crate) available: u64,
}

impl fmt::Display for NumberingExhausted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = operators()
            .iter()
            .find(|o| o.name == self.operator)
            .map_or(self.operator, |o| o.key);
        write!(
            f,
            "operator {} would need {} numbers but its number ranges hold {}; lower the population \
             size (population.scale, persons or subscribers) or its operators.{key} share",
            self.operator, self.needed, self.available,
        )
    }
}

/// Assigns operators and numbers to SIM keys.
#[derive(Debug, Clone)]
pub(crate) struct NumberingPlan {
    keys: Permutation,
    operators: Vec<OperatorPlan>,
}

/// Account numbers have this many digits after the operator's letters.
const ACCOUNT_DIGITS: u32 = 10;

impl NumberingPlan {
    /// Checks that every operator's number ranges hold its share of SIM keys `[0, keys)`
    /// (what [`Self::new`] checks, without building the plan).
    pub(crate) fn check_capacity(
        keys: u64,
        shares: &[(usize, f64)],
    ) -> Result<(), NumberingExhausted> {
        let lens = apportion(keys.max(1), shares);
        for (&(op, _), &len) in shares.iter().zip(&lens) {
            let (nine, ten) = number_blocks(op);
            let space = nine.blocks.len() as u64 * 10u64.pow(nine.tail_digits)
                + ten.blocks.len() as u64 * 10u64.pow(ten.tail_digits);
            if len > space {
                return Err(NumberingExhausted {
                    operator: operators()[op].name,
                    needed: len,
                    available: space,
                });
            }
        }
        Ok(())
    }

    /// A plan for SIM keys `[0, keys)` with `(operator index, share)` pairs summing to 1.
    pub(crate) fn new(
        seed: u64,
        keys: u64,
        shares: &[(usize, f64)],
    ) -> Result<Self, NumberingExhausted> {
        let keys = keys.max(1);
        let lens = apportion(keys, shares);
        let mut start = 0;
        let mut plans = Vec::new();
        for (&(op, _), &len) in shares.iter().zip(&lens) {
            let operator = &operators()[op];
            let (nine, ten) = number_blocks(op);
            let space = nine.blocks.len() as u64 * 10u64.pow(nine.tail_digits)
                + ten.blocks.len() as u64 * 10u64.pow(ten.tail_digits);
            if len > space {
                return Err(NumberingExhausted {
                    operator: operator.name,
                    needed: len,
                    available: space,
                });
            }
            if len == 0 {
                continue;
            }
            let salt = |what: u64| key_hash(seed, &[0x4E55_4D42, op as u64, what]);
            plans.push(OperatorPlan {
                operator: op,
                segment_start: start,
                segment_len: len,
                nine,
                ten,
                msisdn: Permutation::new(space, salt(1)),
                msin: Permutation::new(10u64.pow(msin_digits(operator)), salt(2)),
                account: Permutation::new(10u64.pow(ACCOUNT_DIGITS), salt(3)),
            });
            start += len;
        }
        Ok(NumberingPlan {
            keys: Permutation::new(keys, key_hash(seed, &[0x4B45_5953])),
            operators: plans,
        })
    }

    /// The operator plan SIM key `sim_key` falls in, and its rank there.
    fn locate(&self, sim_key: u64) -> (&OperatorPlan, u64) {
        let x = self.keys.apply(sim_key);
        let plan = self
            .operators
            .iter()
            .find(|p| x < p.segment_start + p.segment_len)
            .expect("segments cover the key space");
        (plan, x - plan.segment_start)
    }

    /// Operator and MSISDN of SIM key `sim_key`: those of [`Self::numbers`], without computing
    /// the other identifiers.
    pub(crate) fn operator_msisdn(&self, sim_key: u64) -> (usize, String) {
        let (plan, rank) = self.locate(sim_key);
        (plan.operator, msisdn(plan, plan.msisdn.apply(rank)))
    }

    /// Operator and identifiers of SIM key `sim_key`.
    pub(crate) fn numbers(&self, sim_key: u64) -> SimNumbers {
        let (plan, rank) = self.locate(sim_key);
        let operator = &operators()[plan.operator];
        SimNumbers {
            operator: plan.operator,
            msisdn: msisdn(plan, plan.msisdn.apply(rank)),
            imsi: format!(
                "{}{}{:0width$}",
                operator.mcc,
                operator.mncs[0],
                plan.msin.apply(rank),
                width = msin_digits(operator) as usize
            ),
            account: format!(
                "{}{:010}",
                account_letters(operator),
                plan.account.apply(rank)
            ),
        }
    }
}

impl NumberingPlan {
    /// Identifiers of reserved number `j` of `operator` (tourist SIMs sold at the border): the
    /// images of the top ranks of the operator's MSISDN, MSIN and account permutations, counted
    /// down from the last, while residents' SIMs take the ranks from 0 up. The two never meet, so
    /// a reserved number can never be a resident's. `None` when the operator has no SIMs in the
    /// scenario or `j` is beyond the room left above the residents' ranks.
    pub(crate) fn reserved_numbers(&self, operator: usize, j: u64) -> Option<SimNumbers> {
        if j >= self.reserved_room(operator) {
            return None;
        }
        let plan = self.operators.iter().find(|p| p.operator == operator)?;
        // Rank `space - 1 - j`, valid while above the residents' ranks `0..segment_len`.
        let top = |p: &Permutation| {
            let rank = p.len().checked_sub(1 + j)?;
            (rank >= plan.segment_len).then(|| p.apply(rank))
        };
        let op = &operators()[operator];
        Some(SimNumbers {
            operator,
            msisdn: msisdn(plan, top(&plan.msisdn)?),
            imsi: format!(
                "{}{}{:0width$}",
                op.mcc,
                op.mncs[0],
                top(&plan.msin)?,
                width = msin_digits(op) as usize
            ),
            account: format!("{}{:010}", account_letters(op), top(&plan.account)?),
        })
    }
}

impl NumberingPlan {
    /// How many reserved numbers `operator` has (0 when it has no SIMs in the scenario).
    pub(crate) fn reserved_room(&self, operator: usize) -> u64 {
        self.operators
            .iter()
            .find(|p| p.operator == operator)
            .map_or(0, |p| {
                let space = p.msisdn.len().min(p.msin.len()).min(p.account.len());
                space.saturating_sub(p.segment_len)
            })
    }
}

/// Largest-remainder split of `total` by shares.
fn apportion(total: u64, shares: &[(usize, f64)]) -> Vec<u64> {
    let sum: f64 = shares.iter().map(|s| s.1).sum();
    let exact: Vec<f64> = shares.iter().map(|s| s.1 / sum * total as f64).collect();
    let mut lens: Vec<u64> = exact.iter().map(|e| e.floor() as u64).collect();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    let mut left = total - lens.iter().sum::<u64>();
    for i in order.into_iter().cycle() {
        if left == 0 {
            break;
        }
        if shares[i].1 > 0.0 {
            lens[i] += 1;
            left -= 1;
        }
    }
    lens
}

/// MSIN length: 15 digits in all with MCC and MNC.
fn msin_digits(operator: &Operator) -> u32 {
    15 - 3 - operator.mncs[0].len() as u32
}

/// Two capital letters naming the operator in its account numbers.
fn account_letters(operator: &Operator) -> String {
    operator
        .name
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .take(2)
        .collect::<String>()
        .to_ascii_uppercase()
}

/// The MSISDN at position `i` of the operator's number space (9-digit blocks first).
fn msisdn(plan: &OperatorPlan, i: u64) -> String {
    let size9 = plan.nine.blocks.len() as u64 * 10u64.pow(plan.nine.tail_digits);
    let (blocks, i) = if i < size9 {
        (&plan.nine, i)
    } else {
        (&plan.ten, i - size9)
    };
    let per_block = 10u64.pow(blocks.tail_digits);
    let lead = blocks.blocks[(i / per_block) as usize];
    format!(
        "+60{lead}{:0width$}",
        i % per_block,
        width = blocks.tail_digits as usize
    )
}

/// The operator's number blocks for 9- and 10-digit national numbers, after longest-prefix
/// resolution against every other operator's prefixes.
fn number_blocks(op: usize) -> (NumberBlocks, NumberBlocks) {
    let blocks_of = |nsn: u8| {
        let all: Vec<(usize, &str)> = operators()
            .iter()
            .enumerate()
            .flat_map(|(i, o)| {
                o.prefixes
                    .iter()
                    .filter(move |p| p.nsn_length == nsn)
                    .map(move |p| (i, p.digits))
            })
            .collect();
        let depth = all.iter().map(|(_, d)| d.len()).max().unwrap_or(1) as u32;
        let mut owners = std::collections::BTreeMap::<u64, (usize, usize)>::new();
        for &(owner, digits) in &all {
            let extra = depth - digits.len() as u32;
            let first: u64 = digits.parse::<u64>().expect("prefix digits") * 10u64.pow(extra);
            for block in first..first + 10u64.pow(extra) {
                let entry = owners.entry(block).or_insert((owner, digits.len()));
                if digits.len() > entry.1 {
                    *entry = (owner, digits.len());
                }
            }
        }
        NumberBlocks {
            blocks: owners
                .into_iter()
                .filter(|(_, (o, _))| *o == op)
                .map(|(b, _)| b)
                .collect(),
            tail_digits: u32::from(nsn) - depth,
        }
    };
    (blocks_of(9), blocks_of(10))
}

/// A phone number (E.164 with +) held inline: no allocation per record. Also holds other short
/// ASCII identifiers (IMSI, IMEI).
#[derive(Clone, Copy)]
pub struct PhoneNumber {
    len: u8,
    bytes: [u8; PhoneNumber::CAPACITY],
}

impl PhoneNumber {
    /// Longest number held, bytes (E.164 allows 15 digits after the +).
    pub(crate) const CAPACITY: usize = 23;

    /// The number `text`; panics beyond `PhoneNumber::CAPACITY` bytes or on non-ASCII text.
    pub fn new(text: &str) -> Self {
        let mut n = PhoneNumber::empty();
        n.push_str(text);
        n
    }

    /// No characters yet.
    pub(crate) const fn empty() -> Self {
        PhoneNumber {
            len: 0,
            bytes: [0; PhoneNumber::CAPACITY],
        }
    }

    /// Appends ASCII `text`.
    pub(crate) fn push_str(&mut self, text: &str) {
        assert!(text.is_ascii(), "phone numbers are ASCII");
        let at = usize::from(self.len);
        let end = at + text.len();
        assert!(end <= Self::CAPACITY, "phone number too long: {text}");
        self.bytes[at..end].copy_from_slice(text.as_bytes());
        self.len = end as u8;
    }

    /// Appends `value` in decimal, zero-padded to `width` digits (like `{value:0width$}`).
    pub(crate) fn push_padded(&mut self, value: u64, width: usize) {
        let mut digits = [0u8; 20];
        let (mut v, mut n) = (value, 0);
        while v > 0 || n == 0 {
            digits[n] = b'0' + (v % 10) as u8;
            v /= 10;
            n += 1;
        }
        let total = n.max(width);
        let at = usize::from(self.len);
        assert!(at + total <= Self::CAPACITY, "phone number too long");
        for (k, slot) in self.bytes[at..at + total].iter_mut().enumerate() {
            let from_end = total - 1 - k;
            *slot = if from_end < n { digits[from_end] } else { b'0' };
        }
        self.len = (at + total) as u8;
    }

    /// Appends the number to a string column (ASCII: valid UTF-8 without a check).
    pub(crate) fn push_to(&self, column: &mut StringColumn) {
        if column.offsets.is_empty() {
            column.offsets.push(0);
        }
        column.bytes.extend_from_slice(self.digits());
        column
            .offsets
            .push(i32::try_from(column.bytes.len()).expect("string column over 2 GiB"));
    }

    fn digits(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// The number as text.
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).expect("ASCII")
    }
}

impl std::ops::Deref for PhoneNumber {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Write for PhoneNumber {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let at = usize::from(self.len);
        if !s.is_ascii() || at + s.len() > Self::CAPACITY {
            return Err(std::fmt::Error);
        }
        self.push_str(s);
        Ok(())
    }
}

impl PartialEq for PhoneNumber {
    fn eq(&self, other: &Self) -> bool {
        self.digits() == other.digits()
    }
}

impl Eq for PhoneNumber {}

impl PartialOrd for PhoneNumber {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PhoneNumber {
    /// The order of the numbers as strings.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.digits().cmp(other.digits())
    }
}

impl std::fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn default_shares() -> Vec<(usize, f64)> {
        operators()
            .iter()
            .enumerate()
            .map(|(i, o)| (i, o.market_share))
            .collect()
    }

    /// The operator owning an E.164 number by longest-prefix match over all operators.
    fn owner(msisdn: &str) -> usize {
        let national = &msisdn[3..];
        operators()
            .iter()
            .enumerate()
            .flat_map(|(i, o)| o.prefixes.iter().map(move |p| (i, p)))
            .filter(|(_, p)| {
                national.starts_with(p.digits) && national.len() == usize::from(p.nsn_length)
            })
            .max_by_key(|(_, p)| p.digits.len())
            .map(|(i, _)| i)
            .expect("number in a known range")
    }

    #[test]
    fn numbers_are_unique_well_formed_and_in_their_operators_ranges() {
        let plan = NumberingPlan::new(3, 60_000, &default_shares()).unwrap();
        let (mut msisdns, mut imsis, mut accounts) =
            (HashSet::new(), HashSet::new(), HashSet::new());
        let mut per_op = vec![0usize; operators().len()];
        for k in 0..60_000 {
            let n = plan.numbers(k);
            assert_eq!(
                owner(&n.msisdn),
                n.operator,
                "{} belongs to another operator",
                n.msisdn
            );
            assert_eq!(n.imsi.len(), 15);
            assert!(
                n.imsi
                    .starts_with(&format!("502{}", operators()[n.operator].mncs[0]))
            );
            assert!(
                msisdns.insert(n.msisdn.clone())
                    && imsis.insert(n.imsi)
                    && accounts.insert(n.account)
            );
            per_op[n.operator] += 1;
        }
        for (i, o) in operators().iter().enumerate() {
            let got = per_op[i] as f64 / 60_000.0;
            assert!((got - o.market_share).abs() < 1e-3, "{}: {got}", o.name);
        }
    }

    #[test]
    fn reserved_numbers_never_meet_residents_numbers() {
        let plan = NumberingPlan::new(5, 30_000, &default_shares()).unwrap();
        let residents: HashSet<String> = (0..30_000).map(|k| plan.numbers(k).msisdn).collect();
        let mut reserved = HashSet::new();
        for op in 0..operators().len() {
            for j in 0..2_000 {
                let n = plan
                    .reserved_numbers(op, j)
                    .expect("room above the residents");
                assert_eq!(owner(&n.msisdn), op, "{}", n.msisdn);
                assert!(
                    !residents.contains(&n.msisdn),
                    "{} is a resident's",
                    n.msisdn
                );
                assert!(reserved.insert(n.msisdn));
            }
        }
        let yes = operators().iter().position(|o| o.key == "yes").unwrap();
        let room = plan.operators.iter().find(|p| p.operator == yes).unwrap();
        let left = [room.msisdn.len(), room.msin.len(), room.account.len()]
            .into_iter()
            .min()
            .unwrap()
            - room.segment_len;
        assert!(plan.reserved_numbers(yes, left - 1).is_some());
        assert!(plan.reserved_numbers(yes, left).is_none());
    }

    #[test]
    fn too_many_sims_for_an_operator_is_an_error() {
        let err = NumberingPlan::new(3, 20_000_000_000, &default_shares()).unwrap_err();
        assert!(err.to_string().contains("number ranges hold"), "{err}");
    }

    #[test]
    fn apportion_is_exact() {
        assert_eq!(
            apportion(10, &[(0, 0.5), (1, 0.25), (2, 0.25)]),
            vec![5, 3, 2]
        );
        assert_eq!(apportion(7, &[(0, 1.0), (1, 0.0)]), vec![7, 0]);
        assert_eq!(
            apportion(1_000_003, &[(0, 0.3), (1, 0.3), (2, 0.4)])
                .iter()
                .sum::<u64>(),
            1_000_003
        );
    }

    #[test]
    fn phone_numbers_read_like_formatted_strings() {
        for (prefix, value, width) in [("+603", 42u64, 8usize), ("+86", 0, 11), ("+977", 123, 2)] {
            let mut n = PhoneNumber::new(prefix);
            n.push_padded(value, width);
            assert_eq!(n.as_str(), format!("{prefix}{value:0width$}"));
        }
        let (a, b) = (PhoneNumber::new("+6012"), PhoneNumber::new("+603"));
        assert_eq!(a.cmp(&b), "+6012".cmp("+603"));
        assert_eq!(format!("{a:?}"), "\"+6012\"");
    }
}
