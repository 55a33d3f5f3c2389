/*
 * Linux's arm64 system call numbers (the asm-generic table, x8 at
 * `svc #0`): the ones the personality implements. Any other number is
 * answered -ENOSYS and counted (syscall_table.c).
 */
#ifndef LINUX_SYSCALL_NUMBERS_H
#define LINUX_SYSCALL_NUMBERS_H

#define LINUX_NR_getcwd             17
#define LINUX_NR_dup                23
#define LINUX_NR_dup3               24
#define LINUX_NR_fcntl              25
#define LINUX_NR_ioctl              29
#define LINUX_NR_mknodat            33
#define LINUX_NR_mkdirat            34
#define LINUX_NR_unlinkat           35
#define LINUX_NR_renameat           38
#define LINUX_NR_truncate           45
#define LINUX_NR_ftruncate          46
#define LINUX_NR_faccessat          48
#define LINUX_NR_chdir              49
#define LINUX_NR_fchdir             50
#define LINUX_NR_fchmod             52
#define LINUX_NR_fchmodat           53
#define LINUX_NR_fchownat           54
#define LINUX_NR_fchown             55
#define LINUX_NR_openat             56
#define LINUX_NR_close              57
#define LINUX_NR_getdents64         61
#define LINUX_NR_lseek              62
#define LINUX_NR_read               63
#define LINUX_NR_write              64
#define LINUX_NR_readv              65
#define LINUX_NR_writev             66
#define LINUX_NR_pread64            67
#define LINUX_NR_pwrite64           68
#define LINUX_NR_preadv             69
#define LINUX_NR_pwritev            70
#define LINUX_NR_newfstatat         79
#define LINUX_NR_fstat              80
#define LINUX_NR_fsync              82
#define LINUX_NR_fdatasync          83
#define LINUX_NR_exit               93
#define LINUX_NR_exit_group         94
#define LINUX_NR_waitid             95
#define LINUX_NR_set_tid_address    96
#define LINUX_NR_futex              98
#define LINUX_NR_set_robust_list    99
#define LINUX_NR_nanosleep          101
#define LINUX_NR_sendfile           71
#define LINUX_NR_pipe2              59
#define LINUX_NR_pselect6           72
#define LINUX_NR_ppoll              73
#define LINUX_NR_vmsplice           75
#define LINUX_NR_splice             76
#define LINUX_NR_tee                77
#define LINUX_NR_readlinkat         78
#define LINUX_NR_rseq               293
#define LINUX_NR_clock_gettime      113
#define LINUX_NR_clock_getres       114
#define LINUX_NR_clock_nanosleep    115
#define LINUX_NR_sched_getaffinity  123
#define LINUX_NR_sched_yield        124
#define LINUX_NR_sched_get_priority_max 125
#define LINUX_NR_sched_get_priority_min 126
#define LINUX_NR_kill               129
#define LINUX_NR_tkill              130
#define LINUX_NR_tgkill             131
#define LINUX_NR_sigaltstack        132
#define LINUX_NR_rt_sigaction       134
#define LINUX_NR_rt_sigprocmask     135
#define LINUX_NR_rt_sigpending      136
#define LINUX_NR_rt_sigreturn       139
#define LINUX_NR_rt_sigsuspend      133
#define LINUX_NR_rt_sigtimedwait    137
#define LINUX_NR_getitimer          102
#define LINUX_NR_setitimer          103
#define LINUX_NR_setregid           143
#define LINUX_NR_setgid             144
#define LINUX_NR_setreuid           145
#define LINUX_NR_setuid             146
#define LINUX_NR_setresuid          147
#define LINUX_NR_getresuid          148
#define LINUX_NR_setresgid          149
#define LINUX_NR_getresgid          150
#define LINUX_NR_times              153
#define LINUX_NR_setpgid            154
#define LINUX_NR_getpgid            155
#define LINUX_NR_getsid             156
#define LINUX_NR_setsid             157
#define LINUX_NR_getgroups          158
#define LINUX_NR_uname              160
#define LINUX_NR_getrlimit          163
#define LINUX_NR_setrlimit          164
#define LINUX_NR_getrusage          165
#define LINUX_NR_umask              166
#define LINUX_NR_prctl              167
#define LINUX_NR_gettimeofday       169
#define LINUX_NR_getpid             172
#define LINUX_NR_getppid            173
#define LINUX_NR_getuid             174
#define LINUX_NR_geteuid            175
#define LINUX_NR_getgid             176
#define LINUX_NR_getegid            177
#define LINUX_NR_gettid             178
#define LINUX_NR_brk                214
#define LINUX_NR_munmap             215
#define LINUX_NR_mremap             216
#define LINUX_NR_clone              220
#define LINUX_NR_execve             221
#define LINUX_NR_mmap               222
#define LINUX_NR_mprotect           226
#define LINUX_NR_msync              227
#define LINUX_NR_mlock              228
#define LINUX_NR_munlock            229
#define LINUX_NR_madvise            233
#define LINUX_NR_wait4              260
#define LINUX_NR_prlimit64          261
#define LINUX_NR_renameat2          276
#define LINUX_NR_getrandom          278
#define LINUX_NR_membarrier         283
#define LINUX_NR_statx              291
#define LINUX_NR_faccessat2         439

/* Numbers below this are counted one by one when unknown. */
#define LINUX_NR_LIMIT              512

#endif
