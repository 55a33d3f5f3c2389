/* ARM PrimeCell PL011 UART (QEMU virt, the Pi's UART0). */
#include "arch/mmio.h"
#include "drivers/uart.h"

#define PL011_DATA          0x00
#define PL011_FLAGS         0x18
#define PL011_FLAG_RX_EMPTY (1 << 4)
#define PL011_FLAG_TX_FULL  (1 << 5)
#define PL011_CONTROL       0x30
#define PL011_ENABLE        (1 << 0)
#define PL011_TX_ENABLE     (1 << 8)
#define PL011_RX_ENABLE     (1 << 9)

static void pl011_init(uintptr_t registers)
{
    uint32_t control = mmio_read32(registers + PL011_CONTROL);
    mmio_write32(registers + PL011_CONTROL,
                 control | PL011_ENABLE | PL011_TX_ENABLE | PL011_RX_ENABLE);
}

static void pl011_put_char(uintptr_t registers, char c)
{
    while (mmio_read32(registers + PL011_FLAGS) & PL011_FLAG_TX_FULL)
        ;
    mmio_write32(registers + PL011_DATA, (uint8_t)c);
}

static int pl011_get_char(uintptr_t registers)
{
    if (mmio_read32(registers + PL011_FLAGS) & PL011_FLAG_RX_EMPTY)
        return -1;
    return (int)(mmio_read32(registers + PL011_DATA) & 0xff);
}

const struct uart_driver pl011_uart = {
    .name = "pl011",
    .init = pl011_init,
    .put_char = pl011_put_char,
    .get_char = pl011_get_char,
};
