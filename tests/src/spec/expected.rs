//! The checked-in lists of known failures, `tests/spec/expected-failures/<mode>-<suite>.txt`.
//!
//! Each non-comment line is `file.wast:LINE  reason`; `#` starts a comment line. A
//! directive failing at a listed line is expected; any other failure is not.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::report::FileReport;
use super::suite::{Mode, Suite};

/// A failure location: file name and 1-based line.
type Key = (String, usize);

/// The expected failures of one mode and suite.
#[derive(Clone, Debug, Default)]
pub struct ExpectedFailures {
    /// Location -> the reason noted in the list.
    entries: BTreeMap<Key, String>,
}

impl ExpectedFailures {
    /// Where the list for `mode` and `suite` lives.
    pub fn path(mode: Mode, suite: &Suite) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("spec/expected-failures")
            .join(format!("{}-{}.txt", mode.name(), suite.name()))
    }

    /// Loads the list for `mode` and `suite`; a missing file means no expected failures.
    pub fn load(mode: Mode, suite: &Suite) -> Result<ExpectedFailures, String> {
        let path = Self::path(mode, suite);
        match fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(ExpectedFailures::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// Parses the text of a list.
    pub fn parse(text: &str) -> Result<ExpectedFailures, String> {
        let mut entries = BTreeMap::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (location, reason) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let key = parse_location(location)
                .ok_or_else(|| format!("line {}: expected `file.wast:LINE  reason`", index + 1))?;
            entries.insert(key, reason.trim().to_string());
        }
        Ok(ExpectedFailures { entries })
    }

    /// Compares the failures in `reports` with the list. Listed failures of files that
    /// were not run (e.g. filtered out) are ignored.
    pub fn compare(&self, reports: &[FileReport]) -> Comparison {
        let mut actual: BTreeMap<Key, &str> = BTreeMap::new();
        for report in reports {
            for failure in &report.failures {
                let key = (report.name.clone(), failure.line);
                actual.entry(key).or_insert(&failure.reason);
            }
        }
        let run: HashSet<&str> = reports.iter().map(|r| r.name.as_str()).collect();
        let unexpected = actual
            .iter()
            .filter(|(key, _)| !self.entries.contains_key(*key))
            .map(|(key, reason)| format_entry(key, reason))
            .collect();
        let fixed = self
            .entries
            .iter()
            .filter(|(key, _)| run.contains(key.0.as_str()) && !actual.contains_key(*key))
            .map(|(key, reason)| format_entry(key, reason))
            .collect();
        Comparison { unexpected, fixed }
    }
}

fn parse_location(location: &str) -> Option<Key> {
    let (file, line) = location.rsplit_once(':')?;
    let line = line.parse().ok()?;
    (!file.is_empty()).then(|| (file.to_string(), line))
}

fn format_entry((file, line): &Key, reason: &str) -> String {
    format!("{file}:{line}  {reason}")
}

/// The difference between actual failures and an expected-failures list; entries are
/// formatted as list lines (`file.wast:LINE  reason`).
#[derive(Clone, Debug, Default)]
pub struct Comparison {
    /// Failures that are not in the list.
    pub unexpected: Vec<String>,
    /// Listed failures that now pass.
    pub fixed: Vec<String>,
}

impl Comparison {
    /// Whether the actual failures are exactly the listed ones.
    pub fn is_exact(&self) -> bool {
        self.unexpected.is_empty() && self.fixed.is_empty()
    }
}

impl fmt::Display for Comparison {
    /// Lists unexpected failures, then fixed ones; empty when exact.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.unexpected.is_empty() {
            writeln!(f, "unexpected failures ({}):", self.unexpected.len())?;
            for entry in &self.unexpected {
                writeln!(f, "  {entry}")?;
            }
        }
        if !self.fixed.is_empty() {
            writeln!(f, "fixed, remove from list ({}):", self.fixed.len())?;
            for entry in &self.fixed {
                writeln!(f, "  {entry}")?;
            }
        }
        Ok(())
    }
}
