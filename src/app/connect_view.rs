//! The connect panel: pick a serial port (or type a path), a protocol (auto or forced), or the simulated
//! board. Connecting runs the handshake on a background thread, so a slow or silent board never freezes
//! the window; when it succeeds the app switches to the new stream.

use super::InnervateApp;
use super::live_view::WARNING;
use crate::engine::{Engine, EngineOptions};
use crate::protocol::Protocol;
use crate::source::serial::{PortEntry, ProtocolChoice, SerialConfig, SerialSource, list_ports};
use crate::source::simulator::{SimConfig, Simulator};
use crossbeam_channel::Receiver;
use egui::{RichText, Ui};

/// The open connect panel.
#[derive(Default)]
pub struct ConnectPanel {
    /// Ports the system listed when the panel opened (or Refresh was pressed).
    pub ports: Vec<PortEntry>,
    /// A path the user typed (for ports the system does not list, e.g. a virtual board's pty).
    pub path: String,
    /// Protocol choice.
    pub protocol: Option<Protocol>,
    /// Channels of the simulated board.
    pub sim_channels: usize,
    /// A handshake running in the background.
    pending: Option<Receiver<Result<SerialSource, String>>>,
    /// The last problem, in plain words.
    pub error: Option<String>,
}

impl ConnectPanel {
    /// True while a board is being connected.
    pub fn connecting(&self) -> bool {
        self.pending.is_some()
    }
}

impl InnervateApp {
    /// Opens the connect panel (lists the ports once).
    pub fn open_connect(&mut self) {
        let mut panel = ConnectPanel {
            sim_channels: 4,
            ..ConnectPanel::default()
        };
        match list_ports() {
            Ok(p) => panel.ports = p,
            Err(e) => panel.error = Some(format!("Cannot list ports: {e}")),
        }
        self.connect = Some(panel);
    }

    /// The connect panel, when open.
    pub fn connect_panel(&self) -> Option<&ConnectPanel> {
        self.connect.as_ref()
    }

    /// Starts connecting to the board at `path` in the background.
    pub fn connect_board(&mut self, path: &str) {
        let Some(panel) = self.connect.as_mut() else {
            return;
        };
        let mut config = SerialConfig::new(path);
        config.protocol = match panel.protocol {
            None => ProtocolChoice::Auto,
            Some(p) => ProtocolChoice::Fixed(p),
        };
        let (tx, rx) = crossbeam_channel::bounded(1);
        let spawned = std::thread::Builder::new()
            .name("innervate-connect".into())
            .spawn(move || {
                let _ = tx.send(SerialSource::connect(config).map_err(|e| e.to_string()));
            });
        match spawned {
            Ok(_) => {
                panel.pending = Some(rx);
                panel.error = None;
            }
            Err(e) => panel.error = Some(format!("Cannot connect: {e}")),
        }
    }

    /// Switches to the simulated board with `channels` channels.
    pub fn connect_simulator(&mut self, channels: usize) {
        let started = Simulator::new(SimConfig {
            channels,
            ..SimConfig::default()
        })
        .map_err(|e| e.to_string())
        .and_then(|sim| {
            Engine::start(Box::new(sim), self.engine_options(), self.notify.clone())
                .map_err(|e| e.to_string())
        });
        self.switch_or_explain(started, "Cannot start the simulated board");
    }

    /// Switches to a newly started engine and closes the panel, or says why not (the current stream goes on).
    fn switch_or_explain(&mut self, started: Result<Engine, String>, failure: &str) {
        match started {
            Ok(engine) => {
                self.replace_engine(engine);
                self.connect = None;
            }
            Err(e) => {
                if let Some(p) = self.connect.as_mut() {
                    p.error = Some(format!("{failure}: {e}"));
                }
            }
        }
    }

    /// Waits (up to `timeout`) for a background connection to finish, polling as the UI would.
    pub fn wait_for_connect(&mut self, timeout: std::time::Duration) {
        let until = std::time::Instant::now() + timeout;
        while self.connect.as_ref().is_some_and(ConnectPanel::connecting)
            && std::time::Instant::now() < until
        {
            self.poll_connect();
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    pub(crate) fn poll_connect(&mut self) {
        let Some(result) = self
            .connect
            .as_ref()
            .and_then(|p| p.pending.as_ref())
            .and_then(|rx| rx.try_recv().ok())
        else {
            return;
        };
        if let Some(p) = self.connect.as_mut() {
            p.pending = None;
        }
        let started = result.and_then(|source| {
            Engine::start_serial(source, self.engine_options(), self.notify.clone())
                .map_err(|e| e.to_string())
        });
        self.switch_or_explain(started, "Not connected");
    }

    /// Draws the connect panel (in place of the muscle rows while it is open).
    pub(crate) fn connect_screen(&mut self, ui: &mut Ui) {
        let Some(panel) = self.connect.as_mut() else {
            return;
        };
        let mut connect_to: Option<String> = None;
        let mut simulator: Option<usize> = None;
        let mut close = false;
        let mut refresh = false;
        ui.horizontal(|ui| {
            ui.heading("Connect a board");
            if ui.button("Close connect").clicked() {
                close = true;
            }
        });
        if let Some(e) = &panel.error {
            ui.label(RichText::new(e).color(WARNING));
        }
        if panel.connecting() {
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
            ];
            for (value, label) in choices {
                if ui
                    .selectable_label(panel.protocol == value, label)
                    .clicked()
                {
                    panel.protocol = value;
                }
            }
        });
        ui.separator();
        ui.horizontal(|ui| {
            ui.label(RichText::new("Serial ports").strong());
            if ui.button("Refresh").clicked() {
                refresh = true;
            }
        });
        if panel.ports.is_empty() {
            ui.label(
                "No serial ports found. Plug the board in and press Refresh, or type a path below.",
            );
        }
        egui::Grid::new("ports").striped(true).show(ui, |ui| {
            for port in &panel.ports {
                ui.label(&port.path);
                ui.label(
                    port.usb
                        .map(|(v, p)| format!("USB {v:04x}:{p:04x}"))
                        .unwrap_or_default(),
                );
                ui.label(&port.description);
                if ui
                    .add_enabled(
                        !panel.connecting(),
                        egui::Button::new(format!("Connect {}", port.path)),
                    )
                    .clicked()
                {
                    connect_to = Some(port.path.clone());
                }
                ui.end_row();
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label("Port path");
            ui.add(egui::TextEdit::singleline(&mut panel.path).desired_width(260.0))
                .labelled_by(label.id);
            if ui
                .add_enabled(
                    !panel.connecting() && !panel.path.trim().is_empty(),
                    egui::Button::new("Connect to path"),
                )
                .clicked()
            {
                connect_to = Some(panel.path.trim().to_string());
            }
        });
        ui.separator();
        ui.horizontal(|ui| {
            ui.label(RichText::new("No hardware?").strong());
            let label = ui.label("Channels");
            ui.add(egui::DragValue::new(&mut panel.sim_channels).range(1..=16))
                .labelled_by(label.id);
            if ui.button("Use the simulated board").clicked() {
                simulator = Some(panel.sim_channels);
            }
        });
        ui.label(
            "A virtual board for the serial path: `innervate simulate --pty` prints a path to type above.",
        );
        if refresh {
            match list_ports() {
                Ok(p) => panel.ports = p,
                Err(e) => panel.error = Some(format!("Cannot list ports: {e}")),
            }
        }
        if close {
            self.connect = None;
        } else if let Some(path) = connect_to {
            self.connect_board(&path);
        } else if let Some(ch) = simulator {
            self.connect_simulator(ch);
        }
    }

    /// Options for a new live engine: the current processing settings.
    fn engine_options(&self) -> EngineOptions {
        EngineOptions {
            dsp: self.engine.dsp_config().clone(),
            ..EngineOptions::default()
        }
    }
}
