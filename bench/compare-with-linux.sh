# What the benchmark runners share (bench/run-pipe-bench,
# bench/run-sem-bench): one static musl benchmark run on Debian's arm64
# Linux and on tern, under the same QEMU with -icount shift=0, and a
# Markdown table of the two. Sourced by a runner that has set
#
#   bench_name      the program in <target>/bench/ (pipe_bench, sem_bench)
#   bench_usage     the lines of its own header to print for --help
#
# and defined results FILE, which turns the program's lines into
# "CASE<TAB>NANOSECONDS" rows (bench_rows helps), and, if it has more to
# say under the table, after_table LINUX_RESULTS OURS_RESULTS; it then
# calls bench_main "$@". Arguments after the options go to the program.
#
# Both systems boot with the same options (QEMU virt, GICv3, Cortex-A72
# model, 1 GiB, N cores, default 1):
#
#   qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a72 -smp N -m 1024M
#       -icount shift=0 -nographic -nic none -monitor none -serial stdio
#
# Linux: build/sysroot/boot/vmlinuz with a busybox initramfs whose /init
# (bench/linux-init) mounts a tmpfs on /dev/shm and runs the program as
# /bin/bench with the arguments, booted with nokaslr:
# QEMU's random KASLR seed otherwise moves Linux's numbers from boot to
# boot (and KASLR turns on KPTI, which costs a little on every system
# call). Tern: the system's boot archive (<target>/system.manifest) with
# the program as /bin/NAME and its command line, as tools/exec packs it;
# tools/exec-output reads the console. The target directory is
# $TERN_TARGET_DIR, else build/target after tools/build.
#
# --wall-clock boots both without -icount, with multi-threaded TCG (a host
# thread per vCPU: -accel tcg,thread=multi), for what only wall time
# shows: cores that really run at once (bench/run-cores-bench).
#
# --spread has procmgr spread tern's programs over the cores
# (docs/multicore.md: not yet the default).
#
# Options: --cores N, --wall-clock, --spread, --linux-only, --ours-only; $TERN_BENCH_TIME_LIMIT
# seconds for each system (default 1800). Exit status: 0 if every
# system run succeeded, 1 if one failed (its output is shown), 2 for a
# usage or build problem.

root=$(cd "$(dirname "$0")/.." && pwd)
cores=1 run_linux=yes run_ours=yes failed=no clock=icount
time_limit=${TERN_BENCH_TIME_LIMIT:-1800}
bench_arguments=()
# SRC:DEST items added to tern's boot archive (--spread: the file that has
# procmgr spread programs over the cores).
ours_extra_files=()

bench_parse_options() {
    while [ $# -gt 0 ]; do
        case $1 in
        --cores) cores=$2; shift ;;
        --wall-clock) clock=wall ;;
        --spread) ours_extra_files+=("$root/boot/demo/spread:etc/tern/spread") ;;
        --linux-only) run_ours=no ;;
        --ours-only) run_linux=no ;;
        -h|--help) sed -n "${bench_usage}p" "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        --) shift; break ;;
        -*) echo "$bench_name: unknown option $1" >&2; exit 2 ;;
        *) break ;;
        esac
        shift
    done
    bench_arguments=("$@")
    if [ $run_linux = no ] && [ $run_ours = no ]; then
        echo "$bench_name: --linux-only and --ours-only exclude each other" >&2
        exit 2
    fi
}

# report_failure SYSTEM WHY FILE...: say a system's run failed, and show
# the end of what it printed.
report_failure() {
    local system=$1 why=$2
    shift 2
    failed=yes
    echo "$bench_name: $system FAILED: $why" >&2
    tail -n 20 "$@" >&2
}

run_on_linux() {
    local sysroot=$root/build/sysroot staging=$work/initramfs applet
    mkdir -p "$staging/bin" "$staging/dev" "$staging/proc" "$staging/etc"
    cp "$sysroot/bin/busybox" "$staging/bin/busybox"
    for applet in sh mount mkdir cat poweroff; do
        ln -s busybox "$staging/bin/$applet"
    done
    cp "$root/bench/linux-init" "$staging/init"
    cp "$binary" "$staging/bin/bench"
    if [ ${#bench_arguments[@]} -gt 0 ]; then
        printf '%s\n' "${bench_arguments[@]}"
    fi > "$staging/etc/bench-arguments"
    (cd "$staging" && find . -mindepth 1 | LC_ALL=C sort |
        cpio --quiet -o -H newc -R 0:0) > "$work/linux.cpio"

    echo "Booting Linux ($cores core(s), $clock_text)..." >&2
    timeout "$time_limit" qemu-system-aarch64 "${qemu_options[@]}" \
        -kernel "$sysroot/boot/vmlinuz" -initrd "$work/linux.cpio" \
        -append "console=ttyAMA0 quiet panic=-1 nokaslr" -no-reboot \
        < /dev/null 2>&1 | tr -d '\r' > "$work/linux.console"
    local qemu_status=${PIPESTATUS[0]}
    sed -n '/^@@bench begin$/,/^@@bench end/p' "$work/linux.console" |
        grep -v '^@@' > "$work/linux.out"
    local status
    status=$(sed -n 's/^@@bench end \([0-9]*\)$/\1/p' "$work/linux.console")
    if [ -z "$status" ]; then
        report_failure Linux "did not finish (qemu status $qemu_status)" "$work/linux.console"
    elif [ "$status" != 0 ]; then
        report_failure Linux "$bench_name exited $status" "$work/linux.out"
    fi
}

run_on_ours() {
    printf '%s\0' "/bin/$bench_name" "${bench_arguments[@]}" > "$work/command"
    "$root/boot/make-boot-archive" "$work/ours.cpio" "@$target/system.manifest" \
        "$binary:bin/$bench_name" "$work/command:etc/tern/command" "${ours_extra_files[@]}" || {
        report_failure tern "could not pack the boot archive" /dev/null
        return
    }
    echo "Booting tern ($cores core(s), $clock_text)..." >&2
    timeout "$time_limit" qemu-system-aarch64 "${qemu_options[@]}" \
        -kernel "$target/Image" -initrd "$work/ours.cpio" < /dev/null |
        python3 "$root/tools/exec-output" no > "$work/ours.out" 2> "$work/ours.err"
    local statuses=("${PIPESTATUS[@]}") status
    status=${statuses[1]}
    if [ "${statuses[0]}" = 124 ]; then
        report_failure tern "timed out after $time_limit s" "$work/ours.out" "$work/ours.err"
    elif [ "$status" != 0 ]; then
        report_failure tern "$bench_name exited $status" "$work/ours.out" "$work/ours.err"
    fi
}

# bench_rows FILE PROGRAM: the rows of a benchmark's lines. Handled here:
# "calibration instructions=I ns=T" and "step NAME ... ns=X", shown as
# steps[NAME], which PROGRAM (more awk) sets in a BEGIN rule and where it
# turns its own lines into rows, using field(NAME) for a line's NAME=VALUE.
bench_rows() {
    awk '
        function field(name,   i, pair) {
            for (i = 2; i <= NF; i++) {
                split($i, pair, "=")
                if (pair[1] == name) return pair[2]
            }
            return ""
        }
        $1 == "calibration" {
            print "calibration: loop of " field("instructions") / 1000000 " M instructions\t" field("ns")
        }
        $1 == "step" {
            print "(one process: " steps[$2] ")\t" field("ns")
        }'"$2" "$1"
}

# The rows of both systems side by side, with ours/Linux.
print_table() {
    echo
    echo "| case ($cores core(s)) | Linux ns | tern ns | ours/Linux |"
    echo "|---|---:|---:|---:|"
    awk -F '\t' '
        function numeric(value) { return value ~ /^[0-9]+$/ }
        # A value that is not a number ("not supported") is shown as it is.
        function grouped(number,   text) {
            if (number == "") return "-"
            if (!numeric(number)) return number
            text = ""
            while (length(number) > 3) {
                text = "," substr(number, length(number) - 2) text
                number = substr(number, 1, length(number) - 3)
            }
            return number text
        }
        FILENAME == ARGV[1] { linux[$1] = $2; order[++count] = $1; next }
        { ours[$1] = $2; if (!($1 in linux)) order[++count] = $1 }
        END {
            for (i = 1; i <= count; i++) {
                name = order[i]
                l = (name in linux) ? linux[name] : ""
                o = (name in ours) ? ours[name] : ""
                ratio = (numeric(l) && numeric(o) && l > 0) ? sprintf("%.2f", o / l) : "-"
                printf "| %s | %s | %s | %s |\n", name, grouped(l), grouped(o), ratio
            }
        }' "$work/linux.results" "$work/ours.results"
}

bench_main() {
    bench_parse_options "$@"
    target=${TERN_TARGET_DIR:-$root/build/target}
    if [ -z "${TERN_TARGET_DIR:-}" ]; then
        "$root/tools/build" > /dev/null || { echo "$bench_name: tools/build failed" >&2; exit 2; }
    fi
    binary=$target/bench/$bench_name
    if [ ! -x "$binary" ]; then
        echo "$bench_name: $binary is not built" >&2
        exit 2
    fi
    work=$(mktemp -d "${TMPDIR:-/tmp}/$bench_name.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    qemu_options=(-M virt,gic-version=3 -cpu cortex-a72 -smp "$cores" -m 1024M
                  -nographic -nic none -monitor none -serial stdio)
    if [ $clock = icount ]; then
        qemu_options+=(-icount shift=0) clock_text="-icount shift=0"
    else
        qemu_options+=(-accel tcg,thread=multi) clock_text="wall clock, multi-threaded TCG"
    fi
    [ $run_linux = yes ] && run_on_linux
    [ $run_ours = yes ] && run_on_ours
    local system
    for system in linux ours; do
        [ -s "$work/$system.out" ] || continue
        echo "--- $system"
        cat "$work/$system.out"
    done
    : > "$work/linux.results"
    : > "$work/ours.results"
    [ -e "$work/linux.out" ] && results "$work/linux.out" > "$work/linux.results"
    [ -e "$work/ours.out" ] && results "$work/ours.out" > "$work/ours.results"
    print_table
    if declare -F after_table > /dev/null; then
        after_table "$work/linux.results" "$work/ours.results"
    fi
    [ $failed = no ]
}
