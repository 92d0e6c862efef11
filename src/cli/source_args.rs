//! `--source`, `--port`, `--brainflow` and their options: where samples come from, shared by the window and
//! `record`.

use anyhow::{Result, bail};
use clap::Args;
use innervate::dsp::DspConfig;
use innervate::source::brainflow::{BrainflowConfig, BrainflowSource};
use innervate::source::lsl_in::{LslConfig, LslSource};
use innervate::source::serial::{ProtocolChoice, SerialConfig, SerialSource};
use innervate::source::simulator::{SimConfig, Simulator};
use innervate::source::{FrameGenerator, OpenSource, replay::WavReplay};
use std::path::PathBuf;

/// Where samples come from.
#[derive(Args, Debug, Clone)]
pub struct SourceArgs {
    /// `sim` for the built-in simulated board, or the path of a WAV file to replay.
    #[arg(long, default_value = "sim")]
    source: String,
    /// Simulated board: number of channels (1-16).
    #[arg(long, default_value_t = 4)]
    channels: usize,
    /// Simulated board: sample rate in Hz (250-10000).
    #[arg(long, default_value_t = 2000.0)]
    rate: f64,
    /// Simulated board: random seed (the same seed gives the same signal).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Mains frequency in Hz (50 or 60): the notch and the simulated hum.
    #[arg(long, default_value_t = 50.0)]
    mains: f64,
    /// Turn the mains notch off.
    #[arg(long)]
    no_notch: bool,
    /// A board on this serial port instead of --source (see `innervate ports`).
    #[arg(long, value_name = "PATH", conflicts_with = "source")]
    port: Option<String>,
    /// A Lab Streaming Layer stream instead of --source: its name, or a predicate such as `type='EMG'`
    /// (see `innervate streams`).
    #[arg(long, value_name = "QUERY", conflicts_with_all = ["source", "port", "brainflow"])]
    lsl: Option<String>,
    /// The LSL marker stream to record as markers [default: a string stream of type Markers on the same
    /// host as the --lsl stream, if there is one].
    #[arg(long, value_name = "QUERY", requires = "lsl")]
    lsl_markers: Option<String>,
    /// Seconds to look for the --lsl stream.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0, requires = "lsl")]
    lsl_wait: f64,
    /// The board's protocol: auto, innervate, cyton, plotter, chords (Upside Down Labs), bitalino (PLUX) or
    /// spikerbox (Backyard Brains).
    #[arg(long, default_value = "auto", requires = "port")]
    protocol: ProtocolChoice,
    /// Baud rate [default: 500000 for Innervate boards, 115200 for Cyton and plotter; Chords: 115200, then
    /// 230400].
    #[arg(long, requires = "port")]
    baud: Option<u32>,
    /// Ask the board for this sample rate (Innervate and Cyton boards).
    #[arg(long, requires = "port")]
    board_rate: Option<u32>,
    /// Sample rate of Serial Plotter text, which carries no clock, Hz.
    #[arg(long, default_value_t = 1000.0, requires = "port")]
    plotter_rate: f64,
    /// A board through BrainFlow instead of --source: its name or id (synthetic or -1, cyton, ganglion,
    /// playback_file or -3, ...). Needs BrainFlow's library: `pip install brainflow`, or
    /// INNERVATE_BRAINFLOW_LIB=FOLDER (docs/boards/brainflow.md).
    #[arg(long, value_name = "BOARD", allow_hyphen_values = true, conflicts_with_all = ["source", "port"])]
    brainflow: Option<String>,
    /// BrainFlow's input parameters as a JSON object: serial_port, mac_address, ip_address, ip_port,
    /// ip_protocol, timeout, serial_number, other_info, file, master_board, ...
    #[arg(long, value_name = "JSON", default_value = "", requires = "brainflow")]
    brainflow_params: String,
    /// Which of the BrainFlow board's muscle channels to use, 1-based (`1-8,10`; at most 16)
    /// [default: the first 16].
    #[arg(long, value_name = "LIST", requires = "brainflow")]
    brainflow_channels: Option<String>,
    /// Gain from electrode to ADC where the protocol does not carry it (Chords: the BioAmp's, default 1000).
    #[arg(long, requires = "port")]
    board_gain: Option<f64>,
    /// Channels to stream where the host chooses (BITalino: the first N analog inputs with EMG sensors,
    /// default 1; a SpikerShield: `c:N;`).
    #[arg(long, requires = "port")]
    board_channels: Option<usize>,
}

impl SourceArgs {
    /// Opens the board on `--port` (handshake included) or through `--brainflow`, else the simulator or the
    /// WAV of `--source`.
    pub fn open(&self) -> Result<OpenSource> {
        if let Some(board) = &self.brainflow {
            let source = BrainflowSource::connect(&BrainflowConfig {
                board: board.clone(),
                params: self.brainflow_params.clone(),
                channels: self.brainflow_channels.clone(),
                library: None,
            })?;
            for notice in &source.notices {
                eprintln!("note: {notice}");
            }
            return Ok(OpenSource::Brainflow(Box::new(source)));
        }
        if let Some(query) = &self.lsl {
            let stream = LslSource::connect(&LslConfig {
                query: query.clone(),
                markers: self.lsl_markers.clone(),
                wait_s: self.lsl_wait,
            })?;
            return Ok(OpenSource::Lsl(Box::new(stream)));
        }
        if let Some(port) = &self.port {
            let mut config = SerialConfig::new(port.clone());
            config.protocol = self.protocol;
            config.baud = self.baud;
            config.rate_hz = self.board_rate;
            config.plotter_rate_hz = self.plotter_rate;
            config.gain = self.board_gain;
            config.channels = self.board_channels;
            let board = SerialSource::connect(config)?;
            return Ok(OpenSource::Serial(Box::new(board)));
        }
        Ok(OpenSource::Generator(self.open_generator()?))
    }

    fn open_generator(&self) -> Result<Box<dyn FrameGenerator>> {
        if self.source == "sim" {
            let sim = Simulator::new(SimConfig {
                channels: self.channels,
                sample_rate: self.rate,
                seed: self.seed,
                mains_hz: self.mains,
            })?;
            Ok(Box::new(sim))
        } else {
            let path = PathBuf::from(&self.source);
            if !path.exists() {
                bail!(
                    "--source must be `sim` or an existing WAV file; {} does not exist",
                    path.display()
                );
            }
            Ok(Box::new(WavReplay::open(&path)?))
        }
    }

    /// The live chain's settings: defaults with this mains frequency and notch switch.
    pub fn dsp(&self) -> DspConfig {
        let mut dsp = DspConfig::default();
        dsp.notch.mains_hz = self.mains;
        dsp.notch.enabled = !self.no_notch;
        dsp
    }
}
