//! The connect screen: pick a serial port (or type a path), a protocol (auto or forced), a board through
//! BrainFlow ([`super::brainflow_form`]), or the simulated board. The handshake runs as a background [`Task`], so a slow or silent board never freezes the window;
//! the app polls it and switches to the new stream when it succeeds.

use super::brainflow_form::BrainflowForm;
use super::screen::ScreenAction;
use super::theme::WARNING;
use crate::protocol::Protocol;
use crate::source::OpenSource;
use crate::source::brainflow::{BrainflowConfig, BrainflowSource};
use crate::source::serial::{PortEntry, ProtocolChoice, SerialConfig, SerialSource, list_ports};
use crate::task::{Poll, Task};
use egui::{RichText, Ui};

/// The open connect screen.
#[derive(Default)]
pub struct ConnectPanel {
    /// Ports the system listed when the screen opened (or Refresh was pressed).
    pub ports: Vec<PortEntry>,
    /// A path the user typed (for ports the system does not list, e.g. a virtual board's pty).
    pub path: String,
    /// Protocol choice.
    pub protocol: Option<Protocol>,
    /// Channels of the simulated board.
    pub sim_channels: usize,
    /// The BrainFlow bridge's settings.
    pub brainflow: BrainflowForm,
    /// A handshake running in the background.
    pending: Option<Task<Result<OpenSource, String>>>,
    /// The last problem, in plain words.
    pub error: Option<String>,
}

impl ConnectPanel {
    /// The screen with the ports listed once.
    pub fn open() -> Self {
        let mut panel = ConnectPanel {
            sim_channels: 4,
            ..ConnectPanel::default()
        };
        panel.refresh();
        panel
    }

    fn refresh(&mut self) {
        match list_ports() {
            Ok(p) => self.ports = p,
            Err(e) => self.error = Some(format!("Cannot list ports: {e}")),
        }
    }

    /// True while a board is being connected.
    pub fn connecting(&self) -> bool {
        self.pending.is_some()
    }

    /// Starts connecting to the board at `path` in the background (a running attempt is dropped).
    pub fn connect(&mut self, path: &str) {
        let mut config = SerialConfig::new(path);
        config.protocol = match self.protocol {
            None => ProtocolChoice::Auto,
            Some(p) => ProtocolChoice::Fixed(p),
        };
        self.error = None;
        self.pending = Some(Task::spawn("connect", move |_| {
            SerialSource::connect(config)
                .map(|s| OpenSource::Serial(Box::new(s)))
                .map_err(|e| e.to_string())
        }));
    }

    /// Starts connecting to a board through BrainFlow in the background (a running attempt is dropped).
    pub fn connect_brainflow(&mut self, config: BrainflowConfig) {
        self.error = None;
        self.pending = Some(Task::spawn("connect", move |_| {
            BrainflowSource::connect(&config)
                .map(|s| OpenSource::Brainflow(Box::new(s)))
                .map_err(|e| e.to_string())
        }));
    }

    /// The connection's result once it is there (never blocks).
    pub fn poll(&mut self) -> Option<Result<OpenSource, String>> {
        let result = match self.pending.as_mut()?.poll() {
            Poll::Running => return None,
            Poll::Done(r) => r,
            Poll::Lost(e) => Err(e),
        };
        self.pending = None;
        Some(result)
    }

    /// Draws the screen.
    pub fn show(&mut self, ui: &mut Ui) -> Option<ScreenAction> {
        let mut act = None;
        let mut connect_to: Option<String> = None;
        ui.horizontal(|ui| {
            ui.heading("Connect a board");
            if ui.button("Close connect").clicked() {
                act = Some(ScreenAction::Close);
            }
        });
        if let Some(e) = &self.error {
            ui.label(RichText::new(e).color(WARNING));
        }
        let busy = self.connecting();
        if busy {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Connecting: asking the board who it is...");
            });
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(50));
        }
        ui.horizontal(|ui| {
            ui.label("Protocol");
            let choices = [
                (None, "Auto"),
                (Some(Protocol::Innervate), "Innervate"),
                (Some(Protocol::Cyton), "OpenBCI Cyton"),
                (Some(Protocol::Plotter), "Serial Plotter text"),
                (Some(Protocol::Chords), "Upside Down Labs Chords"),
                (Some(Protocol::Bitalino), "PLUX BITalino"),
                (Some(Protocol::SpikerBox), "Backyard Brains SpikerBox"),
            ];
            for (value, label) in choices {
                if ui.selectable_label(self.protocol == value, label).clicked() {
                    self.protocol = value;
                }
            }
        });
        ui.separator();
        let mut refresh = false;
        ui.horizontal(|ui| {
            ui.label(RichText::new("Serial ports").strong());
            refresh = ui.button("Refresh").clicked();
        });
        if self.ports.is_empty() {
            ui.label(
                "No serial ports found. Plug the board in and press Refresh, or type a path below.",
            );
        }
        egui::Grid::new("ports").striped(true).show(ui, |ui| {
            for port in &self.ports {
                ui.label(&port.path);
                let usb = port.usb.map(|(v, p)| format!("USB {v:04x}:{p:04x}"));
                ui.label(usb.unwrap_or_default());
                ui.label(&port.description);
                let button = egui::Button::new(format!("Connect {}", port.path));
                if ui.add_enabled(!busy, button).clicked() {
                    connect_to = Some(port.path.clone());
                }
                ui.end_row();
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label("Port path");
            ui.add(egui::TextEdit::singleline(&mut self.path).desired_width(260.0))
                .labelled_by(label.id);
            let typed = !self.path.trim().is_empty();
            if ui
                .add_enabled(!busy && typed, egui::Button::new("Connect to path"))
                .clicked()
            {
                connect_to = Some(self.path.trim().to_string());
            }
        });
        ui.separator();
        let brainflow = self.brainflow.show(ui, busy);
        ui.separator();
        ui.horizontal(|ui| {
            ui.label(RichText::new("No hardware?").strong());
            let label = ui.label("Channels");
            ui.add(egui::DragValue::new(&mut self.sim_channels).range(1..=16))
                .labelled_by(label.id);
            if ui.button("Use the simulated board").clicked() {
                act = Some(ScreenAction::UseSimulator(self.sim_channels));
            }
        });
        ui.label(
            "A virtual board for the serial path: `innervate simulate --pty` prints a path to type above.",
        );
        if refresh {
            self.refresh();
        }
        if let Some(path) = connect_to {
            self.connect(&path);
        }
        if let Some(config) = brainflow {
            self.connect_brainflow(config);
        }
        act
    }
}
