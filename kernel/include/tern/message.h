/*
 * Message info: the word in x1 that describes a message.
 *
 *   bits  0-6   length: message registers used (0..TERN_MSG_MAX_LENGTH)
 *   bits  7-8   extra caps sent or received (0..3)
 *   bits  9-11  caps unwrapped: which received caps were badges (bit i)
 *   bits 12-13  message windows named by a Call (0..2)
 *   bits 14-63  label: the protocol's operation, or an error code in the
 *               reply to an object invocation
 */
#ifndef TERN_MESSAGE_H
#define TERN_MESSAGE_H

#include <stdint.h>

#define TERN_MSG_MAX_LENGTH     64
#define TERN_MSG_REGISTERS      4       /* message registers in CPU registers */
#define TERN_MSG_MAX_CAPS       3
#define TERN_MSG_MAX_WINDOWS    2

typedef uint64_t tern_message_info;

static inline tern_message_info tern_message(uint64_t label, unsigned caps, unsigned length)
{
    return (label << 14) | ((uint64_t)(caps & 3) << 7) | (length & 0x7f);
}

static inline tern_message_info tern_message_with_windows(tern_message_info info, unsigned windows)
{
    return (info & ~(3ULL << 12)) | ((uint64_t)(windows & 3) << 12);
}

static inline uint64_t tern_message_label(tern_message_info info) { return info >> 14; }
static inline unsigned tern_message_length(tern_message_info info) { return info & 0x7f; }
static inline unsigned tern_message_caps(tern_message_info info) { return (info >> 7) & 3; }
static inline unsigned tern_message_unwrapped(tern_message_info info) { return (info >> 9) & 7; }
#define TERN_MESSAGE_UNWRAPPED_MASK (7ULL << 9)
static inline unsigned tern_message_windows(tern_message_info info) { return (info >> 12) & 3; }

#endif
