/* Error codes every system call and invocation returns (0 = success).
 * docs/abi.md says which call returns which, and why. */
#ifndef TERN_ERRORS_H
#define TERN_ERRORS_H

enum tern_error {
    TERN_OK = 0,
    TERN_INVALID_ARGUMENT,      /* an argument is out of its valid set */
    TERN_INVALID_CAPABILITY,    /* wrong object type or missing right */
    TERN_ILLEGAL_OPERATION,     /* the invocation does not apply */
    TERN_RANGE_ERROR,           /* a number outside its allowed range */
    TERN_ALIGNMENT_ERROR,       /* an address or size not aligned */
    TERN_FAILED_LOOKUP,         /* a capability address names no slot/cap */
    TERN_TRUNCATED_MESSAGE,     /* too few message registers */
    TERN_DELETE_FIRST,          /* the destination slot is not empty */
    TERN_REVOKE_FIRST,          /* the object still has derived caps */
    TERN_NOT_ENOUGH_MEMORY,     /* the untyped has too little room */
    TERN_FAULT,                 /* an address range is unmapped or lacks rights */
    TERN_CALLER_GONE,           /* the reply's caller no longer waits */
    TERN_PERMISSION,            /* not registered (membarrier) */
    TERN_INTERRUPTED,           /* TCB_Interrupt ended the blocked Call or Wait */
    TERN_SERVER_GONE,           /* the reply object the Call waited on was destroyed */
    TERN_ERROR_COUNT
};

#endif
