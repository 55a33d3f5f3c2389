#include "drivers/uart.h"

const struct uart_driver *uart_driver_for(enum console_kind kind)
{
    switch (kind) {
    case CONSOLE_PL011:
        return &pl011_uart;
    case CONSOLE_BCM2835_AUX:
        return &bcm2835_aux_uart;
    default:
        return 0;
    }
}
