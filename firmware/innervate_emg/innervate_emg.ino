// Innervate EMG board: firmware for an Arduino Uno or Nano (ATmega328P, 16 MHz).
//
// Samples up to 6 MyoWare 2.0 sensors on A0..A5 from a hardware timer and streams them to Innervate with
// protocol version 1: COBS frames ending in 0x00, CRC-16/IBM-3740 after each body, everything
// little-endian. The protocol is specified in firmware-protocol.md at the root of the repository;
// wiring, settings and flashing are in firmware/README.md.

#include <avr/pgmspace.h>
#include <stdlib.h>
#include <string.h>
#include <util/atomic.h>
#include <util/crc16.h>

// ---- Settings you may change ---------------------------------------------------------------------

// (The #ifndef lets scripts/build-firmware.sh override a setting with FIRMWARE_DEFINES="-DCHANNELS=6".)

// Number of sensors, wired to A0, A1, ... in this order (1 to 6).
#ifndef CHANNELS
#define CHANNELS 2
#endif

// Sample rate per channel at power-up. Innervate can change it with SET_RATE (250 to 2000 Hz, see
// rateSupported()).
#ifndef DEFAULT_RATE_HZ
#define DEFAULT_RATE_HZ 1000
#endif

// Channel labels shown by Innervate, A0 first, at most 23 bytes of UTF-8 each. An empty label makes
// Innervate call the channel "Channel N". Example: {"Biceps", "Triceps"}.
#define LABEL_MAX 23
static const char LABELS[6][LABEL_MAX + 1] PROGMEM = {"", "", "", "", "", ""};

#define BOARD_NAME "Innervate Uno"
#define FIRMWARE_VERSION "1.0.0"

// 500000 baud is exact on a 16 MHz AVR (UBRR = 3 with U2X); 115200 is 2% off. The Uno's USB bridge
// carries it, and it leaves room for 6 channels at 2 kHz (protocol section 7).
#ifndef BAUD
#define BAUD 500000UL
#endif

// ---- Analog front end, as reported in INFO ---------------------------------------------------------

#define ADC_BITS 10
#define SAMPLE_FORMAT_U16 1
#define VREF_UV 5000000UL   // the ADC reference is AVcc, the board's 5 V rail
#define GAIN_MILLI 200000UL // MyoWare 2.0 RAW output: 200x from electrodes to the output pin
#define ZERO_CODE 512       // the MyoWare biases RAW at half its supply, which is mid-scale

// ---- Protocol constants (firmware-protocol.md section 3) -------------------------------------------

#define PROTOCOL_VERSION 1

#define MSG_HELLO 0x01
#define MSG_START 0x02
#define MSG_STOP 0x03
#define MSG_SET_RATE 0x04
#define MSG_INFO 0x81
#define MSG_ACK 0x82
#define MSG_DATA 0x90
#define MSG_ERROR 0xE0

#define ERR_BAD_FRAME 1
#define ERR_UNKNOWN_COMMAND 2
#define ERR_BAD_ARGUMENT 3
#define ERR_STREAMING 4
#define ERR_OVERRUN 5

// ---- Checks on the settings ------------------------------------------------------------------------

#if CHANNELS < 1 || CHANNELS > 6
#error "CHANNELS must be 1 to 6 (the Uno has six analog inputs, A0 to A5)"
#endif

#define TIMER_HZ 2000000UL // Timer1 clock: 16 MHz / prescaler 8

#if DEFAULT_RATE_HZ < 250 || DEFAULT_RATE_HZ > 2000 || (TIMER_HZ % DEFAULT_RATE_HZ) != 0
#error "DEFAULT_RATE_HZ must be 250..2000 and divide 2000000 (e.g. 500, 1000, 2000)"
#endif

// ---- Buffers (the Uno has 2048 bytes of SRAM; Serial takes about 160 of them) -----------------------

// The ring holds whole DATA message bodies, one per slot, so loop() sends straight from it without a
// copy. Slot layout: [0] state, later the type byte | [1..4] seq | [5] frames | samples | [..] crc.
// While filling, byte 0 is a state: the timer ISR creates the slot, the ADC ISR marks it READY when its
// last frame is converted, and loop() overwrites it with MSG_DATA just before sending.
#define DATA_HEADER 6
#define SLOT_FILLING 0
#define SLOT_READY 1
#define SLOT_LOST 2 // a sampling deadline was missed: loop() skips it, so the host sees a seq gap
#define RING_BYTES 1000
static uint8_t ring[RING_BYTES];

// Host frames are tiny (SET_RATE is 9 bytes on the wire); anything longer cannot be a valid command.
#define RX_BYTES 24
static uint8_t rx[RX_BYTES];
static uint8_t rxLen;
static bool rxTooLong;

// Bodies of ACK and ERROR, which may be sent while the ring is busy streaming.
#define SMALL_MSG_BYTES 48
static uint8_t smallMsg[SMALL_MSG_BYTES];

// ---- State -----------------------------------------------------------------------------------------

static bool streaming;
static uint32_t rateHz;
static uint8_t framesPerPacket; // frames in each DATA message, about 10 ms of signal
static uint16_t slotBytes;      // one DATA body including its CRC
static uint8_t slotCount;       // slots that fit in the ring

// Shared by the ISRs and loop().
static volatile uint8_t slotsUsed;       // reserved by the timer ISR and not yet released by loop()
static volatile uint16_t packetsDropped; // since START: packets lost to a full ring or a late frame

// Timer ISR only (plus reset while the timer is stopped).
static uint8_t writeSlot;     // next slot to reserve
static uint8_t *fillSlot;     // slot of the packet being sampled, or NULL while it is dropped
static uint8_t frameInPacket; // position of the next frame within its packet
static uint32_t nextSeq;      // seq of the next packet; skipped packets still use up their number

// Timer ISR and ADC ISR.
static volatile uint8_t adcChannel = CHANNELS; // channel being converted; CHANNELS when the ADC is idle
static uint8_t *volatile samplePtr;            // where the ADC ISR stores the next sample
static uint8_t *volatile commitSlot;           // slot to mark READY when this frame is done, or NULL
static uint8_t adcControl;                     // ADCSRA value: enable, interrupt, clock prescaler

// loop() only.
static uint8_t readSlot; // oldest reserved slot
static uint16_t packetsReported;
static unsigned long lastOverrunReport;

// ---- CRC-16/IBM-3740 and COBS --------------------------------------------------------------------

// _crc_xmodem_update is polynomial 0x1021, MSB first, no reflection; started at 0xFFFF it is
// CRC-16/IBM-3740 (check value of "123456789" = 0x29B1).
static uint16_t crc16(const uint8_t *data, uint16_t len) {
  uint16_t crc = 0xFFFF;
  while (len--) crc = _crc_xmodem_update(crc, *data++);
  return crc;
}

// Appends the CRC to body[0..len) (the buffer must have 2 spare bytes), then writes
// COBS(body + crc) and the 0x00 delimiter. Encoding streams from the body, so no second buffer.
static void sendFrame(uint8_t *body, uint16_t len) {
  uint16_t crc = crc16(body, len);
  body[len] = crc & 0xFF;
  body[len + 1] = crc >> 8;
  len += 2;

  uint16_t i = 0;
  for (;;) {
    // A block is up to 254 non-zero bytes; its code byte is its length + 1.
    uint16_t start = i;
    while (i < len && body[i] != 0 && i - start < 254) i++;
    uint8_t n = i - start;
    Serial.write((uint8_t)(n + 1));
    Serial.write(body + start, n);
    if (i == len) break;
    // A full block (code 0xFF) stands for no zero; any shorter block stands for the zero after it.
    if (n < 254) i++;
  }
  Serial.write((uint8_t)0);
}

// Decodes a COBS frame (without its 0x00) in place. Returns the decoded length, or -1 if a block
// runs past the end of the frame (a damaged frame).
static int16_t cobsDecode(uint8_t *buf, uint8_t len) {
  uint8_t r = 0, w = 0;
  while (r < len) {
    uint8_t code = buf[r++];
    for (uint8_t k = 1; k < code; k++) {
      if (r >= len) return -1;
      buf[w++] = buf[r++];
    }
    if (code != 0xFF && r < len) buf[w++] = 0;
  }
  return w;
}

// ---- Message building ------------------------------------------------------------------------------

static uint8_t *msgBuf;
static uint16_t msgCap;
static uint16_t msgLen;

static void msgBegin(uint8_t *buf, uint16_t size, uint8_t type) {
  msgBuf = buf;
  msgCap = size - 2; // room for the CRC that sendFrame appends
  msgLen = 0;
  msgBuf[msgLen++] = type;
}

static void msgU8(uint8_t v) {
  if (msgLen < msgCap) msgBuf[msgLen++] = v;
}

static void msgU32(uint32_t v) {
  for (uint8_t i = 0; i < 4; i++, v >>= 8) msgU8(v & 0xFF);
}

// A protocol string: length byte, then the bytes (at most 255).
static void msgStr(const char *s) {
  size_t n = strlen(s);
  if (n > 255) n = 255;
  msgU8(n);
  for (size_t i = 0; i < n; i++) msgU8(s[i]);
}

static void msgStrFlash(PGM_P s) {
  size_t n = strlen_P(s);
  if (n > 255) n = 255;
  msgU8(n);
  for (size_t i = 0; i < n; i++) msgU8(pgm_read_byte(s + i));
}

static void msgSend() {
  sendFrame(msgBuf, msgLen);
}

static void sendAck(uint8_t command, uint32_t value) {
  msgBegin(smallMsg, sizeof smallMsg, MSG_ACK);
  msgU8(command);
  msgU32(value);
  msgSend();
}

// ERROR whose message is head (flash) + middle (RAM, e.g. a number) + tail (flash); middle and tail may
// be NULL. The texts live in flash to spare SRAM.
static void sendError(uint8_t code, PGM_P head, const char *middle, PGM_P tail) {
  char text[40];
  strncpy_P(text, head, sizeof text - 1);
  text[sizeof text - 1] = 0;
  if (middle) strncat(text, middle, sizeof text - 1 - strlen(text));
  if (tail) strncat_P(text, tail, sizeof text - 1 - strlen(text));
  msgBegin(smallMsg, sizeof smallMsg, MSG_ERROR);
  msgU8(code);
  msgStr(text);
  msgSend();
}

static void sendInfo() {
  // HELLO is refused while streaming, so the ring is idle here and can hold the INFO body.
  msgBegin(ring, sizeof ring, MSG_INFO);
  msgU8(PROTOCOL_VERSION);
  msgU8(CHANNELS);
  msgU32(rateHz);
  msgU8(ADC_BITS);
  msgU8(SAMPLE_FORMAT_U16);
  msgU32(VREF_UV);
  msgU32(GAIN_MILLI);
  msgU32((uint32_t)(int32_t)ZERO_CODE);
  msgU8(framesPerPacket);
  msgStrFlash(PSTR(BOARD_NAME));
  msgStrFlash(PSTR(FIRMWARE_VERSION));
  for (uint8_t ch = 0; ch < CHANNELS; ch++) msgStrFlash(LABELS[ch]);
  msgSend();
}

// ---- Sampling ----------------------------------------------------------------------------------------

// Timer1 in CTC mode at 2 MHz can only hit rates that divide 2000000 exactly; the ADC limits the top.
static bool rateSupported(uint32_t hz) {
  return hz >= 250 && hz <= 2000 && TIMER_HZ % hz == 0;
}

static void setRate(uint32_t hz) {
  rateHz = hz;
  // About 10 ms per DATA message: fewer messages means less framing overhead, more means less latency.
  uint16_t frames = (hz + 50) / 100;
  // Keep at least 3 slots in the ring so one can be sent while others fill.
  while (frames > 1 && 3UL * (DATA_HEADER + 2UL * frames * CHANNELS + 2) > RING_BYTES) frames--;
  framesPerPacket = frames;
  slotBytes = DATA_HEADER + 2 * frames * CHANNELS + 2;
  slotCount = RING_BYTES / slotBytes;

  // The ADC needs about 13 ADC clocks per conversion, one conversion per channel per frame. At the
  // datasheet's clock for full 10-bit accuracy (16 MHz / 128 = 125 kHz: 104 us per conversion) six
  // channels take 624 us, which fits 1 kHz but not above. Above 1 kHz the ADC clock is raised to
  // 16 MHz / 32 = 500 kHz (26 us per conversion); beyond the datasheet's 200 kHz that costs about one
  // bit of accuracy, which is the price of the higher rate.
  uint8_t prescaler = hz > 1000 ? (_BV(ADPS2) | _BV(ADPS0)) // /32
                                : (_BV(ADPS2) | _BV(ADPS1) | _BV(ADPS0)); // /128
  adcControl = _BV(ADEN) | _BV(ADIE) | prescaler;
}

static void startStreaming() {
  writeSlot = 0;
  readSlot = 0;
  fillSlot = NULL;
  frameInPacket = 0;
  nextSeq = 0;
  slotsUsed = 0;
  packetsDropped = 0;
  packetsReported = 0;
  adcChannel = CHANNELS;
  commitSlot = NULL;

  ADMUX = _BV(REFS0); // AVcc reference, channel A0
  ADCSRA = adcControl;

  // Timer1, CTC mode (clears at OCR1A), prescaler 8: one interrupt per frame, independent of how long
  // loop() takes to send.
  TCCR1A = 0;
  TCCR1B = 0;
  TCNT1 = 0;
  OCR1A = TIMER_HZ / rateHz - 1;
  TIFR1 = _BV(OCF1A);
  TIMSK1 = _BV(OCIE1A);
  TCCR1B = _BV(WGM12) | _BV(CS11);
  streaming = true;
}

static void stopStreaming() {
  TIMSK1 = 0;
  TCCR1B = 0;
  // Let a conversion in progress finish with the interrupt off, then clear its flag.
  ADCSRA = _BV(ADEN) | (adcControl & 7);
  while (ADCSRA & _BV(ADSC)) {
  }
  ADCSRA |= _BV(ADIF);
  adcChannel = CHANNELS;
  streaming = false;
}

// One interrupt per frame: starts converting channel 0; the ADC interrupt chains the other channels.
// Starting from the timer keeps the sampling instants exact; other interrupts (Serial, millis) delay
// them by a few microseconds at most. Channel k is sampled k conversions after channel 0.
ISR(TIMER1_COMPA_vect) {
  if (frameInPacket == 0) {
    // A new packet: reserve a slot, or drop the whole packet if the ring is full, so the host sees a
    // clean seq gap rather than a packet with frames missing.
    if (slotsUsed < slotCount) {
      uint8_t *slot = ring + (uint16_t)writeSlot * slotBytes;
      if (++writeSlot == slotCount) writeSlot = 0;
      slotsUsed++;
      slot[0] = SLOT_FILLING;
      slot[1] = nextSeq & 0xFF;
      slot[2] = (nextSeq >> 8) & 0xFF;
      slot[3] = (nextSeq >> 16) & 0xFF;
      slot[4] = nextSeq >> 24;
      slot[5] = framesPerPacket;
      fillSlot = slot;
    } else {
      fillSlot = NULL;
      packetsDropped++;
    }
    nextSeq++;
  }

  uint8_t *slot = fillSlot;
  if (slot != NULL) {
    if (adcChannel != CHANNELS) {
      // The previous frame is still converting, so this frame misses its deadline. The packet would have
      // a hole: mark it lost (loop() skips it) and stop filling it.
      slot[0] = SLOT_LOST;
      fillSlot = NULL;
      packetsDropped++;
    } else {
      samplePtr = slot + DATA_HEADER + (uint16_t)frameInPacket * (2 * CHANNELS);
      commitSlot = frameInPacket == framesPerPacket - 1 ? slot : NULL;
      adcChannel = 0;
      ADMUX = _BV(REFS0);               // A0
      ADCSRA = adcControl | _BV(ADSC); // written whole, so a pending ADIF is never cleared by accident
    }
  }

  if (++frameInPacket == framesPerPacket) frameInPacket = 0;
}

ISR(ADC_vect) {
  uint8_t lo = ADCL; // ADCL first: reading it locks ADCH until ADCH is read
  uint8_t hi = ADCH;
  uint8_t *p = samplePtr;
  p[0] = lo; // u16 little-endian, as on the wire
  p[1] = hi;
  samplePtr = p + 2;

  uint8_t next = adcChannel + 1;
  if (next < CHANNELS) {
    ADMUX = _BV(REFS0) | next; // the ADC is idle between conversions, so the mux can change now
    ADCSRA = adcControl | _BV(ADSC);
  } else if (commitSlot != NULL) {
    if (commitSlot[0] == SLOT_FILLING) commitSlot[0] = SLOT_READY;
    commitSlot = NULL;
  }
  adcChannel = next;
}

// Sends the oldest packet if it is complete, and frees its slot.
static void sendReadyPacket() {
  if (slotsUsed == 0) return;
  uint8_t *slot = ring + (uint16_t)readSlot * slotBytes;
  uint8_t state = *(volatile uint8_t *)slot; // written by the ISRs
  if (state == SLOT_FILLING) return;
  __asm__ __volatile__("" ::: "memory"); // read the samples only after seeing the slot complete
  if (state == SLOT_READY) {
    slot[0] = MSG_DATA;
    sendFrame(slot, slotBytes - 2);
  }
  if (++readSlot == slotCount) readSlot = 0;
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) { slotsUsed--; }
}

// ERROR 5 when packets were dropped, at most 4 times a second so a link that is too slow is not
// flooded further; the count covers everything since the last report.
static void reportOverruns() {
  uint16_t dropped;
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) { dropped = packetsDropped; }
  if (dropped == packetsReported) return;
  unsigned long now = millis();
  if (now - lastOverrunReport < 250) return;
  lastOverrunReport = now;
  uint16_t n = dropped - packetsReported;
  packetsReported = dropped;
  char number[6];
  sendError(ERR_OVERRUN, PSTR("overrun: "), utoa(n, number, 10), PSTR(" packets dropped"));
}

// ---- Commands --------------------------------------------------------------------------------------

static void sendBadLength() {
  sendError(ERR_BAD_ARGUMENT, PSTR("bad payload length"), NULL, NULL);
}

static void sendNotWhileStreaming() {
  sendError(ERR_STREAMING, PSTR("not allowed while streaming"), NULL, NULL);
}

static void handleFrame(uint8_t *frame, uint8_t len) {
  int16_t n = cobsDecode(frame, len);
  if (n < 3 || crc16(frame, n - 2) != (frame[n - 2] | (uint16_t)frame[n - 1] << 8)) {
    sendError(ERR_BAD_FRAME, PSTR("bad frame (COBS or CRC)"), NULL, NULL);
    return;
  }
  uint8_t type = frame[0];
  const uint8_t *payload = frame + 1;
  uint8_t payloadLen = n - 3;

  switch (type) {
  case MSG_HELLO: // payload: the host's protocol version; INFO carries ours, the host decides
    if (streaming) sendNotWhileStreaming();
    else if (payloadLen != 1) sendBadLength();
    else sendInfo();
    break;
  case MSG_START:
    if (payloadLen != 0) sendBadLength();
    else if (streaming) sendNotWhileStreaming(); // restarting would send seq 0 again mid-stream
    else {
      sendAck(MSG_START, 0); // ACK first: no DATA may precede it
      startStreaming();
    }
    break;
  case MSG_STOP:
    if (payloadLen != 0) sendBadLength();
    else {
      if (streaming) stopStreaming();
      sendAck(MSG_STOP, 0);
    }
    break;
  case MSG_SET_RATE: {
    if (streaming) {
      sendNotWhileStreaming();
      break;
    }
    if (payloadLen != 4) {
      sendBadLength();
      break;
    }
    uint32_t hz = (uint32_t)payload[0] | (uint32_t)payload[1] << 8 | (uint32_t)payload[2] << 16 |
                  (uint32_t)payload[3] << 24;
    if (rateSupported(hz)) {
      setRate(hz);
      sendAck(MSG_SET_RATE, rateHz);
    } else {
      char number[11];
      sendError(ERR_BAD_ARGUMENT, PSTR("rate "), ultoa(hz, number, 10), PSTR(" Hz not supported"));
    }
    break;
  }
  default: {
    static const char digits[] PROGMEM = "0123456789ABCDEF";
    char hex[3] = {(char)pgm_read_byte(digits + (type >> 4)), (char)pgm_read_byte(digits + (type & 15)), 0};
    sendError(ERR_UNKNOWN_COMMAND, PSTR("unknown command 0x"), hex, NULL);
  }
  }
}

// Collects bytes up to each 0x00 delimiter and handles the frame. A frame longer than any command
// is dropped whole (and reported), then decoding resumes after the next 0x00.
static void pollSerial() {
  while (Serial.available() > 0) {
    uint8_t b = Serial.read();
    if (b != 0) {
      if (rxLen < RX_BYTES) rx[rxLen++] = b;
      else rxTooLong = true;
      continue;
    }
    if (rxTooLong) sendError(ERR_BAD_FRAME, PSTR("frame too long"), NULL, NULL);
    else if (rxLen > 0) handleFrame(rx, rxLen); // an empty frame (0x00 0x00) is just a delimiter
    rxLen = 0;
    rxTooLong = false;
  }
}

// ---- Arduino entry points ----------------------------------------------------------------------------

void setup() {
  // Timer1 is ours (the core set it up for PWM on pins 9 and 10, which this sketch does not use).
  TIMSK1 = 0;
  TCCR1A = 0;
  TCCR1B = 0;
  // Digital input buffers on the analog pins only add noise and current.
  DIDR0 = (1 << CHANNELS) - 1;
  ADMUX = _BV(REFS0);
  setRate(DEFAULT_RATE_HZ);
  ADCSRA = _BV(ADEN) | (adcControl & 7);
  Serial.begin(BAUD);
  // Nothing is sent until the host asks (protocol section 4).
}

void loop() {
  pollSerial();
  if (streaming) {
    sendReadyPacket();
    reportOverruns();
  }
}
