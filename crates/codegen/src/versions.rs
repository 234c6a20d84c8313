//! Versions as the specs write them, and the version conditions the emitters
//! turn them into.
//!
//! A spec says which versions carry a field ("3+", "0-7", "none"). Generated
//! code tests the `version` variable against that, but only where the answer
//! can differ: inside a struct that only exists in versions 3 to 13, a field
//! of versions "3+" is always there. [`Cond`] is that question asked within
//! a known set of possible versions (its domain). It knows when it is always
//! or never true, writes the shortest Rust test otherwise, and its
//! complement is exact, so an `else` branch never re-tests a negation.

use std::fmt;

/// An inclusive version range from a spec; `None` is the empty range ("none").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Versions(pub Option<(i16, i16)>);

impl Versions {
    pub const NONE: Versions = Versions(None);

    /// Parses "0+", "3-12", "5" or "none".
    pub fn parse(text: &str) -> Result<Versions, String> {
        let text = text.trim();
        if text == "none" {
            return Ok(Versions::NONE);
        }
        let num = |s: &str| s.trim().parse::<i16>().map_err(|_| format!("invalid version range {text:?}"));
        let range = if let Some(min) = text.strip_suffix('+') {
            (num(min)?, i16::MAX)
        } else if let Some((lo, hi)) = text.split_once('-') {
            (num(lo)?, num(hi)?)
        } else {
            let v = num(text)?;
            (v, v)
        };
        if range.0 < 0 || range.0 > range.1 {
            return Err(format!("invalid version range {text:?}"));
        }
        Ok(Versions(Some(range)))
    }

    pub fn is_empty(self) -> bool {
        self.0.is_none()
    }

    pub fn min(self) -> Option<i16> {
        self.0.map(|r| r.0)
    }

    pub fn max(self) -> Option<i16> {
        self.0.map(|r| r.1)
    }

    pub fn contains(self, version: i16) -> bool {
        self.0.is_some_and(|(a, b)| a <= version && version <= b)
    }

    pub fn intersect(self, other: Versions) -> Versions {
        match (self.0, other.0) {
            (Some((a, b)), Some((c, d))) if a.max(c) <= b.min(d) => Versions(Some((a.max(c), b.min(d)))),
            _ => Versions::NONE,
        }
    }

    /// `self` minus an open-ended range `tail` ("N+"), the only subtraction
    /// the specs need (versions minus tagged versions).
    pub fn minus_tail(self, tail: Versions) -> Versions {
        match (self.0, tail.min()) {
            (Some((a, b)), Some(t)) => {
                if t <= a {
                    Versions::NONE
                } else {
                    Versions(Some((a, b.min(t - 1))))
                }
            }
            _ => self,
        }
    }

    /// Whether every version of `other` is in `self`.
    pub fn covers(self, other: Versions) -> bool {
        match (self.0, other.0) {
            (_, None) => true,
            (Some((a, b)), Some((c, d))) => a <= c && d <= b,
            (None, Some(_)) => false,
        }
    }
}

impl fmt::Display for Versions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => write!(f, "none"),
            Some((a, i16::MAX)) => write!(f, "{a}+"),
            Some((a, b)) if a == b => write!(f, "{a}"),
            Some((a, b)) => write!(f, "{a}-{b}"),
        }
    }
}

/// The highest version a message may define. Kafka's APIs are far below it
/// (Fetch, the highest, is at 18); a spec above it is a generator error
/// rather than a silent truncation.
pub const MAX_VERSION: i16 = 127;

/// A set of versions, any shape (a field of versions 8-10 leaves 0-7 and
/// 11-13 to its `else` branch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionSet(u128);

impl VersionSet {
    pub const EMPTY: VersionSet = VersionSet(0);

    /// The versions of a spec range, up to [`MAX_VERSION`]; checked by
    /// [`VersionSet::domain`] for the ranges that bound a struct.
    pub fn of(range: Versions) -> VersionSet {
        match range.0 {
            Some((a, b)) if a <= MAX_VERSION => {
                let b = b.min(MAX_VERSION);
                let width = (b - a + 1) as u32;
                let bits = if width == 128 { u128::MAX } else { ((1u128 << width) - 1) << a };
                VersionSet(bits)
            }
            _ => VersionSet::EMPTY,
        }
    }

    /// The versions a struct can be encoded at: its own range within the
    /// message's valid versions (which are always bounded).
    pub fn domain(struct_versions: Versions, message_versions: Versions) -> Result<VersionSet, String> {
        match message_versions.max() {
            Some(max) if max > MAX_VERSION => {
                Err(format!("version {max} is above the highest version the generator supports ({MAX_VERSION})"))
            }
            _ => Ok(VersionSet::of(struct_versions.intersect(message_versions))),
        }
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn intersect(self, other: VersionSet) -> VersionSet {
        VersionSet(self.0 & other.0)
    }

    pub fn minus(self, other: VersionSet) -> VersionSet {
        VersionSet(self.0 & !other.0)
    }

    pub fn contains(self, version: i16) -> bool {
        (0..=MAX_VERSION).contains(&version) && self.0 & (1 << version) != 0
    }

    fn versions(self) -> impl Iterator<Item = i16> {
        (0..=MAX_VERSION).filter(move |&v| self.contains(v))
    }

    fn min(self) -> Option<i16> {
        (!self.is_empty()).then(|| self.0.trailing_zeros() as i16)
    }

    fn max(self) -> Option<i16> {
        (!self.is_empty()).then(|| 127 - self.0.leading_zeros() as i16)
    }

    /// The set as inclusive runs of consecutive versions.
    fn runs(self) -> Vec<(i16, i16)> {
        let mut runs: Vec<(i16, i16)> = Vec::new();
        for v in self.versions() {
            match runs.last_mut() {
                Some((_, end)) if *end + 1 == v => *end = v,
                _ => runs.push((v, v)),
            }
        }
        runs
    }
}

/// The test a [`Cond`] needs, for an emitter to write in its language:
/// decided by the domain, or a comparison of `version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Test {
    /// True at every version of the domain.
    Always,
    /// True at none.
    Never,
    /// `version >= a`.
    AtLeast(i16),
    /// `version <= b`.
    AtMost(i16),
    /// `version == a`.
    Equal(i16),
    /// `version != a`.
    NotEqual(i16),
    /// `a <= version <= b`.
    Between(i16, i16),
    /// Not `a <= version <= b`.
    NotBetween(i16, i16),
    /// In one of these inclusive runs.
    OneOf(Vec<(i16, i16)>),
}

/// "`version` is one of these", asked where `version` can only be one of
/// `domain`'s versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cond {
    set: VersionSet,
    domain: VersionSet,
}

impl Cond {
    /// The condition "`version` is in `range`" within `domain`.
    pub fn new(range: Versions, domain: VersionSet) -> Cond {
        Cond::of_set(VersionSet::of(range), domain)
    }

    pub fn of_set(set: VersionSet, domain: VersionSet) -> Cond {
        Cond { set: set.intersect(domain), domain }
    }

    /// True at every version of the domain: no test is needed.
    pub fn is_always(self) -> bool {
        self.set == self.domain
    }

    /// True at no version of the domain: the guarded code is unreachable.
    pub fn is_never(self) -> bool {
        self.set.is_empty()
    }

    /// The versions of the domain where the condition holds.
    pub fn set(self) -> VersionSet {
        self.set
    }

    /// The opposite condition, within the same domain.
    pub fn complement(self) -> Cond {
        Cond { set: self.domain.minus(self.set), domain: self.domain }
    }

    /// Both conditions (the domain is `self`'s).
    pub fn and(self, other: Cond) -> Cond {
        Cond::of_set(self.set.intersect(other.set), self.domain)
    }

    /// The same versions asked within a smaller domain, e.g. in the `else`
    /// branch of another condition.
    pub fn within(self, domain: VersionSet) -> Cond {
        Cond::of_set(self.set, domain)
    }

    /// The shortest test that is right at every version of the domain,
    /// whatever the language it is written in (see [`Test`]).
    pub fn test(self) -> Test {
        if self.is_always() {
            return Test::Always;
        }
        if self.is_never() {
            return Test::Never;
        }
        let (lo, hi) = (self.set.min().unwrap(), self.set.max().unwrap());
        let outside = self.domain.minus(self.set);
        let (out_lo, out_hi) = (outside.min().unwrap(), outside.max().unwrap());
        // Each candidate with the versions of the domain it is true at.
        let at_least = |a: i16| self.domain.minus(VersionSet::of(Versions(Some((0, a - 1)))));
        let at_most = |b: i16| self.domain.intersect(VersionSet::of(Versions(Some((0, b)))));
        let between = |a: i16, b: i16| self.domain.intersect(VersionSet::of(Versions(Some((a, b)))));
        let candidates = [
            (at_least(lo), Test::AtLeast(lo)),
            (at_most(hi), Test::AtMost(hi)),
            (between(lo, lo), Test::Equal(lo)),
            (self.domain.minus(between(out_lo, out_lo)), Test::NotEqual(out_lo)),
            (between(lo, hi), Test::Between(lo, hi)),
            (self.domain.minus(between(out_lo, out_hi)), Test::NotBetween(out_lo, out_hi)),
        ];
        if let Some((_, test)) = candidates.into_iter().find(|(set, _)| *set == self.set) {
            return test;
        }
        Test::OneOf(self.set.runs())
    }

    /// A Rust boolean expression for the condition: `true` or `false` when
    /// the domain decides it, else the shortest test that is right at every
    /// version of the domain.
    pub fn expr(self) -> String {
        match self.test() {
            Test::Always => "true".into(),
            Test::Never => "false".into(),
            Test::AtLeast(a) => format!("version >= {a}"),
            Test::AtMost(b) => format!("version <= {b}"),
            Test::Equal(a) => format!("version == {a}"),
            Test::NotEqual(a) => format!("version != {a}"),
            Test::Between(a, b) => format!("({a}..={b}).contains(&version)"),
            Test::NotBetween(a, b) => format!("!({a}..={b}).contains(&version)"),
            Test::OneOf(runs) => {
                let arms: Vec<String> =
                    runs.into_iter().map(|(a, b)| if a == b { a.to_string() } else { format!("{a}..={b}") }).collect();
                format!("matches!(version, {})", arms.join(" | "))
            }
        }
    }

    /// "The condition and `test`": `test` alone where the domain makes the
    /// condition always true. (Not for a condition that is never true.)
    pub fn and_expr(self, test: &str) -> String {
        if self.is_always() {
            test.to_string()
        } else {
            format!("{} && {test}", self.expr())
        }
    }

    /// `then` guarded by the condition: as is when always true, nothing when
    /// never true, else inside an `if`.
    pub fn guard(self, then: &str) -> String {
        self.if_else(then, "")
    }

    /// `if` the condition `then` `else` `otherwise`, without the branch the
    /// domain never takes (either may be empty).
    pub fn if_else(self, then: &str, otherwise: &str) -> String {
        if self.is_always() {
            return then.to_string();
        }
        if self.is_never() {
            return otherwise.to_string();
        }
        match (then.is_empty(), otherwise.is_empty()) {
            (_, true) => format!("if {} {{\n{then}\n}}\n", self.expr()),
            (true, false) => format!("if {} {{\n{otherwise}\n}}\n", self.complement().expr()),
            (false, false) => format!("if {} {{\n{then}\n}} else {{\n{otherwise}\n}}\n", self.expr()),
        }
    }

    /// A value that depends on the condition: `then` or `otherwise` when the
    /// domain decides it, else an `if` expression.
    pub fn select(self, then: &str, otherwise: &str) -> String {
        if self.is_always() {
            then.to_string()
        } else if self.is_never() {
            otherwise.to_string()
        } else {
            format!("if {} {{ {then} }} else {{ {otherwise} }}", self.expr())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Versions {
        Versions::parse(text).unwrap()
    }

    fn cond(range: &str, domain: &str) -> Cond {
        Cond::new(v(range), VersionSet::of(v(domain)))
    }

    #[test]
    fn parses_version_ranges() {
        assert_eq!(v("3+"), Versions(Some((3, i16::MAX))));
        assert_eq!(v("0-12"), Versions(Some((0, 12))));
        assert_eq!(v("5"), Versions(Some((5, 5))));
        assert_eq!(v("none"), Versions::NONE);
        assert!(Versions::parse("x").is_err());
        assert_eq!(v("0+").minus_tail(v("4+")), Versions(Some((0, 3))));
    }

    #[test]
    fn conditions_are_decided_by_the_domain_where_they_can_be() {
        assert!(cond("0+", "0-13").is_always());
        assert!(cond("3+", "3-13").is_always());
        assert!(cond("14+", "0-13").is_never());
        assert!(cond("none", "0-13").is_never());
        assert_eq!(cond("0+", "0-13").expr(), "true");
        assert_eq!(cond("14+", "0-13").expr(), "false");
    }

    #[test]
    fn conditions_use_the_shortest_test() {
        assert_eq!(cond("3+", "0-13").expr(), "version >= 3");
        assert_eq!(cond("0-7", "0-13").expr(), "version <= 7");
        assert_eq!(cond("5", "0-13").expr(), "version == 5");
        assert_eq!(cond("1+", "0-1").expr(), "version >= 1");
        assert_eq!(cond("8-10", "0-13").expr(), "(8..=10).contains(&version)");
        assert_eq!(cond("8-10", "0-13").complement().expr(), "!(8..=10).contains(&version)");
    }

    #[test]
    fn an_else_branch_knows_what_the_if_took() {
        // Field of versions 8-10: the else branch of "8-10" sees 0-7 and
        // 11-13, where "not 8-10" always holds.
        let present = cond("8-10", "0-13");
        let absent = present.complement();
        assert!(absent.within(absent.set()).is_always());
        // A field untagged in 0-3 and tagged from 4: the else branch of
        // "0-3" is exactly the tagged versions.
        let untagged = cond("0-3", "0-13");
        let tagged = cond("4+", "0-13").within(untagged.complement().set());
        assert!(tagged.is_always());
    }

    #[test]
    fn guards_drop_the_branch_that_is_never_taken() {
        assert_eq!(cond("0+", "0-3").guard("a();"), "a();");
        assert_eq!(cond("5+", "0-3").guard("a();"), "");
        assert_eq!(cond("2+", "0-3").if_else("a();", "b();"), "if version >= 2 {\na();\n} else {\nb();\n}\n");
        assert_eq!(cond("2+", "0-3").if_else("", "b();"), "if version <= 1 {\nb();\n}\n");
        assert_eq!(cond("2+", "0-3").select("1", "0"), "if version >= 2 { 1 } else { 0 }");
    }

    #[test]
    fn sets_of_any_shape() {
        let odd = VersionSet::of(v("1")).intersect(VersionSet::of(v("0-3")));
        let set = VersionSet(odd.0 | VersionSet::of(v("3")).0);
        assert_eq!(Cond::of_set(set, VersionSet::of(v("0-5"))).expr(), "matches!(version, 1 | 3)");
        assert!(VersionSet::domain(v("0+"), v("0-200")).is_err());
        assert_eq!(VersionSet::of(v("0+")).max(), Some(MAX_VERSION));
    }
}
