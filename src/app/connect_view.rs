//! The connect screen: pick a serial port (or type a path), a protocol (auto or forced), a board through
//! BrainFlow ([`super::brainflow_form`]), an LSL stream (**Find streams**), or the simulated board; and
//! switch the outputs to other programs (LSL, OSC). The handshake and the LSL search run as background
//! [`Task`]s, so a slow or silent board never freezes the window; the app polls them and switches to the
//! new stream when it succeeds.

use super::brainflow_form::BrainflowForm;
use super::screen::ScreenAction;
use super::theme::WARNING;
use crate::lsl::StreamDescription;
use crate::protocol::Protocol;
use crate::source::OpenSource;
use crate::source::brainflow::{BrainflowConfig, BrainflowSource};
use crate::source::lsl_in::{LslConfig, LslSource, unfit};
use crate::source::serial::{PortEntry, ProtocolChoice, SerialConfig, SerialSource, list_ports};
use crate::stream_out::OutputChoice;
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
    /// A handshake (or an LSL connection) running in the background.
    pending: Option<Task<Result<OpenSource, String>>>,
    /// The last problem, in plain words.
    pub error: Option<String>,
    /// An LSL search running in the background.
    finding: Option<Task<Result<Vec<StreamDescription>, String>>>,
    /// The LSL streams the last search found (`None` before any search).
    pub streams: Option<Vec<StreamDescription>>,
    /// The outputs as the user set them here (applied through the engine).
    pub outputs: OutputChoice,
    /// The OSC destination typed, HOST:PORT.
    pub osc_address: String,
}

impl ConnectPanel {
    /// The screen with the ports listed once; `outputs` are the ones running now.
    pub fn open(outputs: OutputChoice) -> Self {
        let osc_address = outputs
            .osc
            .map_or("127.0.0.1:9000".to_string(), |(a, _)| a.to_string());
        let mut panel = ConnectPanel {
            sim_channels: 4,
            outputs,
            osc_address,
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

    /// Looks for LSL streams in the background (the only time the window asks the network).
    pub fn find_streams(&mut self) {
        self.error = None;
        self.finding = Some(Task::spawn("find LSL streams", |_| {
            let lsl = crate::lsl::Lsl::load().map_err(|e| e.to_string())?;
            Ok(crate::lsl::resolve(&lsl, None, 1.0))
        }));
    }

    /// True while an LSL search runs.
    pub fn finding(&self) -> bool {
        self.finding.is_some()
    }

    /// Starts connecting to the LSL stream `predicate` picks, in the background.
    pub fn connect_lsl(&mut self, predicate: String) {
        self.error = None;
        self.pending = Some(Task::spawn("connect LSL", move |_| {
            let config = LslConfig {
                query: predicate,
                markers: None,
                wait_s: 3.0,
            };
            LslSource::connect(&config)
                .map(|s| OpenSource::Lsl(Box::new(s)))
                .map_err(|e| e.to_string())
        }));
    }

    fn poll_find(&mut self) {
        let Some(task) = self.finding.as_mut() else {
            return;
        };
        let result = match task.poll() {
            Poll::Running => return,
            Poll::Done(r) => r,
            Poll::Lost(e) => Err(e),
        };
        self.finding = None;
        match result {
            Ok(s) => self.streams = Some(s),
            Err(e) => self.error = Some(e),
        }
    }

    /// The connection's result once it is there (never blocks); also takes in a finished LSL search.
    pub fn poll(&mut self) -> Option<Result<OpenSource, String>> {
        self.poll_find();
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
        ui.separator();
        if let Some(pred) = self.lsl_section(ui, busy) {
            self.connect_lsl(pred);
        }
        ui.separator();
        if let Some(choice) = self.outputs_section(ui) {
            act = Some(ScreenAction::SetOutputs(choice));
        }
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

    /// The LSL streams found, each with Connect when it can be an EMG source; returns the chosen one.
    fn lsl_section(&mut self, ui: &mut Ui, busy: bool) -> Option<String> {
        let mut chosen = None;
        ui.horizontal(|ui| {
            ui.label(RichText::new("Lab Streaming Layer").strong());
            let finding = self.finding();
            if ui
                .add_enabled(!finding, egui::Button::new("Find streams"))
                .clicked()
            {
                self.find_streams();
            }
            if finding {
                ui.spinner();
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(50));
            }
        });
        match &self.streams {
            None => {
                ui.label("Devices whose software publishes LSL (OpenBCI GUI, BrainFlow, ...) can be read.");
            }
            Some(s) if s.is_empty() => {
                ui.label("No LSL streams found.");
            }
            Some(streams) => {
                egui::Grid::new("lsl streams").striped(true).show(ui, |ui| {
                    for s in streams {
                        ui.label(&s.name);
                        ui.label(&s.content_type);
                        ui.label(format!("{} ch", s.channels));
                        ui.label(format!("{} Hz", s.rate));
                        ui.label(&s.host);
                        match unfit(s) {
                            None => {
                                let b = egui::Button::new(format!("Connect {}", s.name));
                                if ui.add_enabled(!busy, b).clicked() {
                                    chosen = Some(s.again_predicate());
                                }
                            }
                            Some(why) => {
                                ui.label(format!("not usable: {why}"));
                            }
                        }
                        ui.end_row();
                    }
                });
            }
        }
        chosen
    }

    /// LSL and OSC outputs on/off; returns the new choice when the user changed it.
    fn outputs_section(&mut self, ui: &mut Ui) -> Option<OutputChoice> {
        let mut changed = false;
        ui.label(RichText::new("Send to other programs").strong());
        changed |= ui
            .checkbox(
                &mut self.outputs.lsl,
                "Publish LSL streams (Innervate EMG, Envelopes, Markers)",
            )
            .changed();
        ui.horizontal(|ui| {
            let mut on = self.outputs.osc.is_some();
            let toggled = ui.checkbox(&mut on, "Send OSC to").changed();
            let label = ui.label("OSC address");
            ui.add(egui::TextEdit::singleline(&mut self.osc_address).desired_width(160.0))
                .labelled_by(label.id);
            if toggled {
                changed = true;
                self.outputs.osc = if on {
                    match self.osc_address.trim().parse() {
                        Ok(addr) => Some((addr, crate::engine::DISPLAY_RATE_HZ)),
                        Err(_) => {
                            self.error = Some(format!(
                                "OSC needs an address such as 127.0.0.1:9000, not `{}`",
                                self.osc_address
                            ));
                            None
                        }
                    }
                } else {
                    None
                };
            }
        });
        changed.then(|| self.outputs.clone())
    }
}
