// Runs the firmware ELF on simavr's ATmega328P at 16 MHz as a virtual board for firmware/tools/simtest.py.
//
//   simboard FIRMWARE.elf < script > log
//
// Script lines: "run US" advances the simulation by US microseconds; "send HEX..." queues bytes on the
// UART's receive side. Every byte the firmware transmits is logged as "tx CYCLE BYTE" (decimal), every
// ADC conversion start as "adc CYCLE CHANNEL MILLIVOLTS"; at the end "stack BYTES", the deepest stack use.
//
// The analog inputs: A0 is a ramp of 20 mV per ms that wraps every 250 ms, so each sample's value tells
// when it was taken; A1..A5 are constants 600, 1200, ... mV.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simavr/avr_adc.h>
#include <simavr/avr_uart.h>
#include <simavr/sim_avr.h>
#include <simavr/sim_elf.h>
#include <simavr/sim_irq.h>

static avr_t *avr;
static avr_irq_t *adc_in;
static unsigned char pending[4096];
static size_t pending_head, pending_len;
static int xoff;
static uint16_t min_sp = 0xFFFF;
#define RAMEND 0x8FF // ATmega328P: the stack starts at the top of its 2 KB of SRAM

static void on_tx(struct avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq, (void)param;
  printf("tx %llu %u\n", (unsigned long long)avr->cycle, value & 0xFF);
}

static void feed(void) {
  while (!xoff && pending_head < pending_len) {
    avr_raise_irq(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_INPUT), pending[pending_head++]);
  }
}

static void on_xon(struct avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq, (void)value, (void)param;
  xoff = 0;
  feed();
}

static void on_xoff(struct avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq, (void)value, (void)param;
  xoff = 1;
}

static void on_adc_start(struct avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq, (void)param;
  union {
    avr_adc_mux_t mux;
    uint32_t v;
  } m;
  m.v = value;
  unsigned ch = m.mux.src;
  uint32_t mv;
  if (ch == 0) {
    uint64_t us = avr->cycle / 16;
    mv = (uint32_t)((us % 250000) * 20 / 1000);
  } else {
    mv = 600 * ch;
  }
  printf("adc %llu %u %u\n", (unsigned long long)avr->cycle, ch, mv);
  if (ch < 8) avr_raise_irq(adc_in + ADC_IRQ_ADC0 + ch, mv);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: simboard FIRMWARE.elf < script\n");
    return 2;
  }
  elf_firmware_t fw;
  memset(&fw, 0, sizeof fw);
  if (elf_read_firmware(argv[1], &fw) != 0) {
    fprintf(stderr, "simboard: cannot read %s\n", argv[1]);
    return 1;
  }
  avr = avr_make_mcu_by_name("atmega328p");
  if (!avr) return 1;
  avr_init(avr);
  avr->frequency = 16000000;
  avr->vcc = avr->avcc = avr->aref = 5000;
  avr_load_firmware(avr, &fw);
  avr->frequency = 16000000;

  uint32_t flags = 0;
  avr_ioctl(avr, AVR_IOCTL_UART_GET_FLAGS('0'), &flags);
  flags &= ~AVR_UART_FLAG_STDIO;
  avr_ioctl(avr, AVR_IOCTL_UART_SET_FLAGS('0'), &flags);
  avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUTPUT), on_tx, NULL);
  avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XON), on_xon, NULL);
  avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XOFF), on_xoff, NULL);
  adc_in = avr_io_getirq(avr, AVR_IOCTL_ADC_GETIRQ, 0);
  avr_irq_register_notify(adc_in + ADC_IRQ_OUT_TRIGGER, on_adc_start, NULL);

  char line[8192];
  while (fgets(line, sizeof line, stdin)) {
    if (strncmp(line, "run ", 4) == 0) {
      avr_cycle_count_t end = avr->cycle + (avr_cycle_count_t)strtoull(line + 4, NULL, 10) * 16;
      while (avr->cycle < end) {
        int state = avr_run(avr);
        uint16_t sp = avr->data[R_SPL] | avr->data[R_SPH] << 8;
        if (sp < min_sp) min_sp = sp;
        if (state == cpu_Done || state == cpu_Crashed) {
          fprintf(stderr, "simboard: the firmware stopped (state %d)\n", state);
          return 1;
        }
      }
    } else if (strncmp(line, "send ", 5) == 0) {
      char *p = line + 5;
      for (;;) {
        char *end;
        unsigned long b = strtoul(p, &end, 16);
        if (end == p) break;
        if (pending_len < sizeof pending) pending[pending_len++] = (unsigned char)b;
        p = end;
      }
      feed();
    }
    printf("mark %llu %s", (unsigned long long)avr->cycle, line);
  }
  printf("stack %u\n", (unsigned)(RAMEND - min_sp)); // deepest stack use seen, in bytes
  fflush(stdout);
  return 0;
}
