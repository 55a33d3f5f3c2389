/* The BCM2835 auxiliary "mini-UART": the Pi's default console on GPIO
 * 14/15. The device tree's reg points at its register block (AUX_MU_IO). */
#include "arch/mmio.h"
#include "drivers/uart.h"

#define MINI_UART_IO            0x00
#define MINI_UART_LINE_STATUS   0x14
#define MINI_UART_DATA_READY    (1 << 0)
#define MINI_UART_TX_EMPTY      (1 << 5)

static void mini_uart_init(uintptr_t registers)
{
    (void)registers;    /* the firmware enabled it (enable_uart=1) */
}

static void mini_uart_put_char(uintptr_t registers, char c)
{
    while (!(mmio_read32(registers + MINI_UART_LINE_STATUS) & MINI_UART_TX_EMPTY))
        ;
    mmio_write32(registers + MINI_UART_IO, (uint8_t)c);
}

static int mini_uart_get_char(uintptr_t registers)
{
    if (!(mmio_read32(registers + MINI_UART_LINE_STATUS) & MINI_UART_DATA_READY))
        return -1;
    return (int)(mmio_read32(registers + MINI_UART_IO) & 0xff);
}

const struct uart_driver bcm2835_aux_uart = {
    .name = "bcm2835-aux",
    .init = mini_uart_init,
    .put_char = mini_uart_put_char,
    .get_char = mini_uart_get_char,
};
