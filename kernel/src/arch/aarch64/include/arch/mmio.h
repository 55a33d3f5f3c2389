/* Device register access. Each access is a single load or store of the
 * register's width; the barriers order it against normal memory. */
#ifndef ARCH_MMIO_H
#define ARCH_MMIO_H

#include <stdint.h>

static inline uint32_t mmio_read32(uintptr_t address)
{
    uint32_t value;
    __asm__ volatile("ldr %w0, [%1]" : "=r"(value) : "r"(address) : "memory");
    return value;
}

static inline void mmio_write32(uintptr_t address, uint32_t value)
{
    __asm__ volatile("str %w0, [%1]" : : "rZ"(value), "r"(address) : "memory");
}

static inline void mmio_write8(uintptr_t address, uint8_t value)
{
    __asm__ volatile("strb %w0, [%1]" : : "rZ"(value), "r"(address) : "memory");
}

static inline uint64_t mmio_read64(uintptr_t address)
{
    uint64_t value;
    __asm__ volatile("ldr %0, [%1]" : "=r"(value) : "r"(address) : "memory");
    return value;
}

static inline void mmio_write64(uintptr_t address, uint64_t value)
{
    __asm__ volatile("str %0, [%1]" : : "rZ"(value), "r"(address) : "memory");
}

#endif
