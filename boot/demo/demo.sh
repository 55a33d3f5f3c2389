# The demo tools/run boots: Debian's static busybox shell running this
# script on tern, with a musl program of our own. Everything it does goes
# through the Linux personality to procmgr and vfs.
echo "== busybox sh, unmodified, on tern"
uname -a
date
echo
echo "== the boot archive, read-only at /"
ls -l / /bin /lib/tern
echo
echo "== fork, exec and wait: three children, one after the other"
for n in 1 2 3; do /bin/hello "child $n"; done
echo
echo "== several cores: four processes at once, each placed on the least busy core"
for n in 1 2 3 4; do /bin/whichcore "process $n" & done
wait
echo

echo "== pipes: a pipeline of four processes, and command substitution"
busybox seq 1 10 | busybox sort -rn | busybox head -3 | busybox tr '\n' ' '
echo
echo "/lib/tern holds $(busybox ls /lib/tern | busybox wc -l) programs: the servers and the personality"
echo

echo "== signals: a job in the background, a trap, kill and wait"
trap 'echo "the shell caught SIGUSR1"' USR1
busybox sleep 1 &
echo "started job $!"
kill -USR1 $$
wait $!
echo "the job ended with status $?"
busybox sleep 10 &
kill -TERM $!
wait $!
echo "a job killed by SIGTERM: status $?"
echo

echo "== job control: a job stopped and continued"
busybox sleep 1 &
job=$!
kill -STOP $job
busybox sleep 2
kill -0 $job && echo "after 2 s the stopped job (a 1 s sleep) is still there"
kill -CONT $job
wait $job
echo "continued, it ended with status $?"
echo

echo "== a file in /tmp"
echo "written by the shell" > /tmp/note
busybox cat /tmp/note
ls -l /tmp
rm /tmp/note
echo
echo "== done: the system powers off when this script ends"
