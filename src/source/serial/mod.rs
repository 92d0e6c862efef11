//! Boards on a serial port: open by path, recognise the protocol, handshake, then stream on the reader
//! thread ([`stream`]) with reconnection when the cable comes back.
//!
//! Everything that talks to the board (commands, timeouts) is here; decoding bytes is `crate::protocol`'s.

mod boards;
pub mod handshake;
pub mod stream;

use super::{SourceKind, StreamInfo};
use crate::protocol::{Decoder, Protocol};
use serialport::SerialPort;
use std::time::Duration;

pub use stream::spawn_serial_reader;

/// Which protocol to speak.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProtocolChoice {
    /// Find out from the first bytes and the handshakes.
    Auto,
    /// This one.
    Fixed(Protocol),
}

impl std::str::FromStr for ProtocolChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auto" => Ok(Self::Auto),
            "innervate" => Ok(Self::Fixed(Protocol::Innervate)),
            "cyton" => Ok(Self::Fixed(Protocol::Cyton)),
            "plotter" => Ok(Self::Fixed(Protocol::Plotter)),
            "chords" => Ok(Self::Fixed(Protocol::Chords)),
            "bitalino" => Ok(Self::Fixed(Protocol::Bitalino)),
            "spikerbox" => Ok(Self::Fixed(Protocol::SpikerBox)),
            other => Err(format!(
                "unknown protocol `{other}` (auto, innervate, cyton, plotter, chords, bitalino or \
                 spikerbox)"
            )),
        }
    }
}

/// How to reach a board.
#[derive(Clone, Debug, PartialEq)]
pub struct SerialConfig {
    /// Port path (e.g. /dev/ttyACM0, COM3).
    pub path: String,
    /// Protocol to speak.
    pub protocol: ProtocolChoice,
    /// Baud rate; `None` picks each protocol's usual one (Innervate 500000, Cyton and plotter 115200).
    pub baud: Option<u32>,
    /// Sample rate to ask the board for (Innervate SET_RATE, Cyton `~`); `None` keeps the board's.
    pub rate_hz: Option<u32>,
    /// Sample rate of plotter text, which carries no clock, Hz.
    pub plotter_rate_hz: f64,
    /// Gain from electrode to ADC where the protocol does not say it (Chords: the BioAmp's); `None` takes
    /// the documented default.
    pub gain: Option<f64>,
    /// Channels to stream where the host chooses them (BITalino: the first N analog inputs, default 1;
    /// a SpikerBox: `c:N;` on a SpikerShield, else the board's usual count).
    pub channels: Option<usize>,
}

impl SerialConfig {
    /// A config for `path` with everything else automatic.
    pub fn new(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            protocol: ProtocolChoice::Auto,
            baud: None,
            rate_hz: None,
            plotter_rate_hz: 1000.0,
            gain: None,
            channels: None,
        }
    }

    fn baud_for(&self, p: Protocol) -> u32 {
        self.baud.unwrap_or(match p {
            Protocol::Innervate => 500_000,
            Protocol::Cyton | Protocol::Plotter => 115_200,
            // The Uno R3 and its clones; an R4, ESP32 or STM32 board needs --baud 230400.
            Protocol::Chords => 115_200,
            Protocol::Bitalino => 115_200,
            // Human SpikerBox: any; Pro boards and shields: 222222 or 230400.
            Protocol::SpikerBox => 230_400,
        })
    }
}

/// Why a board could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SerialError {
    /// The port could not be opened.
    #[error("cannot open {path}: {reason}")]
    Open {
        /// The port.
        path: String,
        /// Why.
        reason: String,
    },
    /// The board did not answer as the protocol says.
    #[error("{path}: {reason}")]
    Handshake {
        /// The port.
        path: String,
        /// What went wrong, in plain words.
        reason: String,
    },
    /// Reading or writing failed.
    #[error("{path}: {0}", path = .1)]
    Io(std::io::Error, String),
}

/// How long a read waits for bytes before the reader checks its flags.
pub const READ_TIMEOUT: Duration = Duration::from_millis(20);

/// Opens `path` at `baud` for binary use.
pub fn open_port(path: &str, baud: u32) -> Result<Box<dyn SerialPort>, SerialError> {
    serialport::new(path, baud)
        .timeout(READ_TIMEOUT)
        .open()
        .map_err(|e| SerialError::Open {
            path: path.into(),
            reason: e.to_string(),
        })
}

/// What a handshake established.
pub struct Link {
    /// The protocol spoken.
    pub protocol: Protocol,
    /// Baud rate used.
    pub baud: u32,
    /// Decoder ready for the stream (it may already hold bytes read during the handshake).
    pub decoder: Box<dyn Decoder>,
    /// Channels.
    pub channels: usize,
    /// Frames per second.
    pub sample_rate: f64,
    /// Channel labels (may be empty strings).
    pub labels: Vec<String>,
    /// Board name and firmware, as far as the protocol tells.
    pub board: String,
}

/// A board, connected and streaming; hand it to [`spawn_serial_reader`] (via the engine).
pub struct SerialSource {
    pub(crate) config: SerialConfig,
    pub(crate) port: Box<dyn SerialPort>,
    pub(crate) link: Link,
    info: StreamInfo,
}

impl SerialSource {
    /// Opens the port, recognises the board and starts it streaming.
    pub fn connect(config: SerialConfig) -> Result<Self, SerialError> {
        let (port, link) = handshake::connect(&config)?;
        let channel_names = super::names_from_labels(&link.labels);
        let info = StreamInfo {
            description: format!(
                "{} on {} ({})",
                link.board,
                config.path,
                link.protocol.name()
            ),
            kind: SourceKind::Serial,
            sample_rate: link.sample_rate,
            channel_names,
            pairs: super::adjacent_pairs(link.channels),
        };
        Ok(Self {
            config,
            port,
            link,
            info,
        })
    }

    /// What the stream carries.
    pub fn info(&self) -> &StreamInfo {
        &self.info
    }

    /// The protocol spoken.
    pub fn protocol(&self) -> Protocol {
        self.link.protocol
    }
}

/// A serial port the system lists.
#[derive(Clone, Debug, PartialEq)]
pub struct PortEntry {
    /// Path to open.
    pub path: String,
    /// USB vendor and product id, when it is a USB device.
    pub usb: Option<(u16, u16)>,
    /// Maker and product, when known.
    pub description: String,
}

/// The serial ports the system lists (USB ones with vendor/product ids and names).
pub fn list_ports() -> Result<Vec<PortEntry>, SerialError> {
    let ports = serialport::available_ports().map_err(|e| SerialError::Open {
        path: "the port list".into(),
        reason: e.to_string(),
    })?;
    Ok(ports
        .into_iter()
        .map(|p| match p.port_type {
            serialport::SerialPortType::UsbPort(u) => PortEntry {
                path: p.port_name,
                usb: Some((u.vid, u.pid)),
                description: [u.manufacturer, u.product]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
            },
            serialport::SerialPortType::BluetoothPort => PortEntry {
                path: p.port_name,
                usb: None,
                description: "Bluetooth".into(),
            },
            _ => PortEntry {
                path: p.port_name,
                usb: None,
                description: String::new(),
            },
        })
        .collect())
}
