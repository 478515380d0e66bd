//! Scheduler settings for emitted Slurm scripts (`--emit-slurm`): partition, time limit, memory,
//! account and extra `#SBATCH` options, from the sweep file's `[slurm]` table or the command line
//! (which wins). Every value is checked, so that nothing written into a `#SBATCH` line can break
//! the job script.

use serde::{Deserialize, Serialize};

/// Most array tasks Slurm accepts by default (`MaxArraySize` = 1001: indices 0 to 1000).
pub(crate) const DEFAULT_MAX_ARRAY_SIZE: u64 = 1001;

/// The `[slurm]` table of a sweep file.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct SlurmOptions {
    /// `#SBATCH --partition`.
    #[serde(default)]
    pub partition: Option<String>,
    /// `#SBATCH --time` (e.g. "02:00:00" or "1-00:00:00").
    #[serde(default)]
    pub time: Option<String>,
    /// `#SBATCH --mem` (e.g. "4G").
    #[serde(default)]
    pub mem: Option<String>,
    /// `#SBATCH --account`.
    #[serde(default)]
    pub account: Option<String>,
    /// Further options, one `#SBATCH` line each (e.g. "--qos=short").
    #[serde(default)]
    pub extra: Vec<String>,
}

impl SlurmOptions {
    /// The settings given on the command line, checked (bad input names the flag).
    pub(crate) fn from_flags(
        f: &crate::cli::SlurmFlags,
    ) -> Result<SlurmOptions, crate::app::BadInput> {
        let o = SlurmOptions {
            partition: f.partition.clone(),
            time: f.time.clone(),
            mem: f.mem.clone(),
            account: f.account.clone(),
            extra: f.sbatch.clone(),
        };
        match o.problems("--").into_iter().next() {
            None => Ok(o),
            Some((field, value, allowed)) => {
                Err(crate::app::BadInput(crate::error::ScenarioError::Schema {
                    path: "(command line)".into(),
                    chain: String::new(),
                    field,
                    message: format!("{value}: must be {allowed}"),
                }))
            }
        }
    }

    /// These settings with every one given in `over` replacing this one (extra lines are added).
    pub(crate) fn overridden_by(&self, over: &SlurmOptions) -> SlurmOptions {
        SlurmOptions {
            partition: over.partition.clone().or_else(|| self.partition.clone()),
            time: over.time.clone().or_else(|| self.time.clone()),
            mem: over.mem.clone().or_else(|| self.mem.clone()),
            account: over.account.clone().or_else(|| self.account.clone()),
            extra: self.extra.iter().chain(&over.extra).cloned().collect(),
        }
    }

    /// Every problem, as (field, value, what is allowed); `prefix` names where the values came
    /// from ("slurm." for the sweep file, "--" for the command line).
    pub(crate) fn problems(&self, prefix: &str) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        let name_chars = |c: char| c.is_ascii_alphanumeric() || "_-.,".contains(c);
        let mut one =
            |field: &str, v: &Option<String>, ok: &dyn Fn(&str) -> bool, allowed: &str| {
                if let Some(v) = v {
                    if v.is_empty() || v.len() > 200 || !ok(v) {
                        out.push((format!("{prefix}{field}"), shown(v), allowed.to_string()));
                    }
                }
            };
        one(
            "partition",
            &self.partition,
            &|v| v.chars().all(name_chars),
            "a partition name (letters, digits, `_`, `-`, `.`, `,`)",
        );
        one(
            "account",
            &self.account,
            &|v| v.chars().all(name_chars),
            "an account name (letters, digits, `_`, `-`, `.`, `,`)",
        );
        one(
            "time",
            &self.time,
            &|v| {
                v.chars()
                    .all(|c| c.is_ascii_digit() || c == ':' || c == '-')
            },
            "a time limit such as \"90\", \"02:00:00\" or \"1-00:00:00\"",
        );
        one(
            "mem",
            &self.mem,
            &|v| {
                let digits = v.trim_end_matches(['K', 'M', 'G', 'T']);
                !digits.is_empty()
                    && digits.chars().all(|c| c.is_ascii_digit())
                    && v.len() - digits.len() <= 1
            },
            "a memory size such as \"4000\" (MB), \"512M\" or \"4G\"",
        );
        let field = if prefix == "--" {
            "--sbatch".to_string()
        } else {
            format!("{prefix}extra")
        };
        for (i, e) in self.extra.iter().enumerate() {
            let printable = e.chars().all(|c| c.is_ascii_graphic() || c == ' ');
            if !e.starts_with("--") || e.len() > 200 || !printable {
                let f = if prefix == "--" {
                    field.clone()
                } else {
                    format!("{field}[{i}]")
                };
                out.push((
                    f,
                    shown(e),
                    "an sbatch option starting with `--` (e.g. \"--qos=short\"), printable ASCII on one line".into(),
                ));
            }
        }
        out
    }

    /// The `#SBATCH` lines for these settings.
    pub(crate) fn lines(&self) -> String {
        let mut s = String::new();
        for (key, v) in [
            ("partition", &self.partition),
            ("time", &self.time),
            ("mem", &self.mem),
            ("account", &self.account),
        ] {
            if let Some(v) = v {
                s.push_str(&format!("#SBATCH --{key}={v}\n"));
            }
        }
        for e in &self.extra {
            s.push_str(&format!("#SBATCH {e}\n"));
        }
        s
    }
}

/// A value for a message: quoted, escaped, at most 80 characters.
fn shown(v: &str) -> String {
    let e: String = v.escape_debug().collect();
    if e.chars().count() > 80 {
        format!("\"{}...\"", e.chars().take(80).collect::<String>())
    } else {
        format!("\"{e}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_settings_become_sbatch_lines_and_bad_ones_are_named() {
        let file = SlurmOptions {
            partition: Some("short".into()),
            time: Some("01:00:00".into()),
            extra: vec!["--qos=low".into()],
            ..Default::default()
        };
        let cli = SlurmOptions {
            time: Some("1-00:00:00".into()),
            mem: Some("4G".into()),
            extra: vec!["--constraint=avx2".into()],
            ..Default::default()
        };
        let all = file.overridden_by(&cli);
        assert!(all.problems("slurm.").is_empty());
        assert_eq!(
            all.lines(),
            "#SBATCH --partition=short\n#SBATCH --time=1-00:00:00\n#SBATCH --mem=4G\n#SBATCH --qos=low\n#SBATCH --constraint=avx2\n"
        );
        let bad = SlurmOptions {
            partition: Some("a b\nrm -rf /".into()),
            mem: Some("4GB".into()),
            extra: vec!["qos=x".into(), "--x\n--y".into()],
            ..Default::default()
        };
        let fields: Vec<String> = bad.problems("slurm.").into_iter().map(|p| p.0).collect();
        assert_eq!(
            fields,
            [
                "slurm.partition",
                "slurm.mem",
                "slurm.extra[0]",
                "slurm.extra[1]"
            ]
        );
        assert_eq!(bad.problems("slurm.")[0].1, "\"a b\\nrm -rf /\"");
    }
}
