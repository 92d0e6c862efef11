//! The figures `innervate bench offline` measures, their ratios and the Markdown table they print as.

use std::fmt::Write;

/// One megabyte, as throughputs are given (10^6 bytes).
pub const MB: f64 = 1e6;

/// The SciPy baseline: measured, or why not.
#[derive(Clone, Debug, PartialEq)]
pub enum Baseline {
    /// The script ran on the same file in the same run.
    Measured {
        /// Its own wall time for reading and processing every channel (no interpreter start-up), s.
        script_s: f64,
        /// The whole process (interpreter start-up and imports included), s.
        process_s: f64,
        /// Its peak resident memory, kB.
        max_rss_kb: u64,
    },
    /// It did not run; the reason says what to do.
    Skipped(String),
}

/// Everything one run of `innervate bench offline` measured.
#[derive(Clone, Debug, PartialEq)]
pub struct OfflineReport {
    /// The machine, in words (cores, CPU, memory).
    pub machine: String,
    /// The recording's length, s.
    pub duration_s: f64,
    /// Channels x rate, in words.
    pub layout: String,
    /// The WAV's size, bytes.
    pub wav_bytes: u64,
    /// `innervate analyze`'s wall time, s (the median of the runs).
    pub analyze_s: f64,
    /// How many times `analyze` and the SciPy script each ran (the times are medians).
    pub runs: usize,
    /// `innervate analyze`'s peak resident memory, kB.
    pub analyze_rss_kb: u64,
    /// The SciPy baseline.
    pub scipy: Baseline,
    /// The plain copy of the WAV, s.
    pub copy_s: f64,
    /// The EDF+ export, s.
    pub edf_s: f64,
    /// The CSV export, s.
    pub csv_s: f64,
    /// The CSV's size, bytes.
    pub csv_bytes: u64,
    /// The commands that ran, in order.
    pub commands: Vec<String>,
}

/// Input throughput in MB/s of processing `bytes` in `seconds`.
pub fn throughput_mb_s(bytes: u64, seconds: f64) -> f64 {
    bytes as f64 / MB / seconds
}

impl OfflineReport {
    /// SciPy's time over analyze's (how many times faster analyze is), when SciPy ran.
    pub fn speedup(&self) -> Option<f64> {
        match self.scipy {
            Baseline::Measured { script_s, .. } => Some(script_s / self.analyze_s),
            Baseline::Skipped(_) => None,
        }
    }

    /// Input MB/s of the copy, the EDF+ export and the CSV export.
    pub fn throughputs(&self) -> [f64; 3] {
        [self.copy_s, self.edf_s, self.csv_s].map(|s| throughput_mb_s(self.wav_bytes, s))
    }

    /// The EDF+ and CSV exports' throughputs as fractions of the copy's.
    pub fn export_ratios(&self) -> [f64; 2] {
        let [copy, edf, csv] = self.throughputs();
        [edf / copy, csv / copy]
    }

    /// The Markdown report: machine, the two tables and the commands.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let mb = self.wav_bytes as f64 / MB;
        let _ = writeln!(s, "Machine: {}", self.machine);
        let _ = writeln!(
            s,
            "Recording: {:.0} s, {} (simulated board), {mb:.1} MB of WAV\n",
            self.duration_s, self.layout
        );
        let _ = writeln!(s, "| analyze vs SciPy | value | target |");
        let _ = writeln!(s, "| --- | --- | --- |");
        let _ = writeln!(
            s,
            "| `innervate analyze` wall time (median of {} runs, alternating with SciPy's) | {:.2} s | |",
            self.runs, self.analyze_s
        );
        match &self.scipy {
            Baseline::Measured {
                script_s,
                process_s,
                max_rss_kb,
            } => {
                let _ = writeln!(
                    s,
                    "| SciPy band-pass + notch + RMS wall time (script's own; whole process) | {script_s:.2} s; {process_s:.2} s (peak RSS {:.0} MB) | |",
                    *max_rss_kb as f64 / 1000.0
                );
            }
            Baseline::Skipped(why) => {
                let _ = writeln!(
                    s,
                    "| SciPy band-pass + notch + RMS wall time | **skipped**: {why} | |"
                );
            }
        }
        let speedup = self
            .speedup()
            .map_or("n/a (no SciPy run)".to_string(), |r| format!("{r:.2}x"));
        let _ = writeln!(
            s,
            "| speed-up (SciPy script / analyze) | {speedup} | >= 3x |"
        );
        let _ = writeln!(
            s,
            "| `innervate analyze` peak resident memory | {:.1} MB | < 100 MB |\n",
            self.analyze_rss_kb as f64 / 1000.0
        );
        let [copy, edf, csv] = self.throughputs();
        let [edf_ratio, csv_ratio] = self.export_ratios();
        let _ = writeln!(
            s,
            "| exports (input MB/s) | time | MB/s | vs copy | target |"
        );
        let _ = writeln!(s, "| --- | --- | --- | --- | --- |");
        let _ = writeln!(
            s,
            "| plain copy of the WAV (std::fs::copy) | {:.2} s | {copy:.0} | 1 | |",
            self.copy_s
        );
        let _ = writeln!(
            s,
            "| EDF+ export | {:.2} s | {edf:.0} | {edf_ratio:.2} | >= 0.5 |",
            self.edf_s
        );
        let _ = writeln!(
            s,
            "| CSV export ({:.0} MB of text) | {:.2} s | {csv:.0} | {csv_ratio:.2} | >= 0.25 |\n",
            self.csv_bytes as f64 / MB,
            self.csv_s
        );
        let _ = writeln!(s, "Commands:\n");
        let _ = writeln!(s, "```sh");
        for c in &self.commands {
            let _ = writeln!(s, "{c}");
        }
        let _ = writeln!(s, "```");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(scipy: Baseline) -> OfflineReport {
        OfflineReport {
            machine: "2 cores".into(),
            duration_s: 3600.0,
            layout: "16 ch x 2000 Hz".into(),
            wav_bytes: 400_000_000,
            analyze_s: 2.0,
            runs: 3,
            analyze_rss_kb: 50_000,
            scipy,
            copy_s: 0.2,
            edf_s: 0.4,
            csv_s: 1.6,
            csv_bytes: 2_000_000_000,
            commands: vec!["innervate analyze h1.wav".into()],
        }
    }

    #[test]
    fn ratios_and_table() {
        let r = report(Baseline::Measured {
            script_s: 7.0,
            process_s: 9.0,
            max_rss_kb: 120_000,
        });
        assert_eq!(r.speedup(), Some(3.5));
        assert_eq!(r.throughputs(), [2000.0, 1000.0, 250.0]);
        assert_eq!(r.export_ratios(), [0.5, 0.125]);
        let md = r.markdown();
        for row in [
            "| `innervate analyze` wall time (median of 3 runs, alternating with SciPy's) | 2.00 s | |",
            "| 7.00 s; 9.00 s (peak RSS 120 MB) |",
            "| speed-up (SciPy script / analyze) | 3.50x | >= 3x |",
            "| `innervate analyze` peak resident memory | 50.0 MB | < 100 MB |",
            "| 0.20 s | 2000 | 1 | |",
            "| EDF+ export | 0.40 s | 1000 | 0.50 | >= 0.5 |",
            "| CSV export (2000 MB of text) | 1.60 s | 250 | 0.12 | >= 0.25 |",
            "innervate analyze h1.wav",
        ] {
            assert!(md.contains(row), "{row} missing from\n{md}");
        }
    }

    #[test]
    fn a_skipped_baseline_says_so() {
        let r = report(Baseline::Skipped("python3 is missing".into()));
        assert_eq!(r.speedup(), None);
        let md = r.markdown();
        assert!(md.contains("**skipped**: python3 is missing"), "{md}");
        assert!(md.contains("n/a (no SciPy run)"), "{md}");
    }
}
