#!/bin/bash
# What idle connections cost one server, in detail: opens 2,000 idle connections (after a 2,000 open/close warm-up),
# then 10,000, and between the two points prints the VmRSS growth, the class-histogram growth per connection (after a
# full GC) and the RSS growth per memory mapping (/proc/<pid>/smaps), so heap and native memory can be told apart.
# usage (hold the benchmark lock, like ./sleet bench does):
#   flock /tmp/sleet-bench.lock benchmarks/idle-histogram.sh benchmarks/target/benchmarks.jar \
#       dev.sleet.bench.load.SleetEchoServer /tmp/idle-sleet
# Needs a JDK 25 at $JAVA_HOME (default /usr/lib/jvm/temurin-25-jdk-amd64) and ulimit -n above 10,100.
set -u
JAR=$1; MAIN=$2; OUT=$3
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin
ulimit -n $(ulimit -Hn)
PORT=$((20000 + RANDOM % 10000))
FLAGS="-Xms1g -Xmx1g -XX:+UseG1GC -Dio.netty.leakDetection.level=disabled --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
mkfifo /tmp/idle-histogram-in.$$ 
$J/java $FLAGS -cp $JAR $MAIN --port $PORT --threads 2 > $OUT.server.log 2>&1 < /dev/null &
SPID=$!
sleep 3
$J/java $FLAGS -cp $JAR dev.sleet.bench.load.LoadClient --mode idle --port $PORT --conns 10000 --threads 2 --sources 16 --hold 300 < /tmp/idle-histogram-in.$$ > $OUT.client.log 2>&1 &
CPID=$!
exec 3>/tmp/idle-histogram-in.$$
waitfor() { for i in $(seq 1 600); do grep -c "$1" $OUT.client.log | grep -q "^$2$" && return 0; sleep 0.2; done; echo timeout $1; }
echo "open 2000" >&3; waitfor READY 1
echo close >&3; waitfor CLOSED 1; sleep 1
echo "open 2000" >&3; waitfor READY 2; sleep 2
$J/jcmd $SPID GC.run >/dev/null; sleep 0.5
grep VmRSS /proc/$SPID/status > $OUT.rss0; cp /proc/$SPID/smaps $OUT.smaps0; $J/jcmd $SPID GC.class_histogram > $OUT.h0
echo "open 10000" >&3; waitfor READY 3; sleep 2
$J/jcmd $SPID GC.run >/dev/null; sleep 0.5
grep VmRSS /proc/$SPID/status > $OUT.rss1; cp /proc/$SPID/smaps $OUT.smaps1; $J/jcmd $SPID GC.class_histogram > $OUT.h1
$J/jcmd $SPID VM.native_memory summary > $OUT.nmt 2>&1
echo quit >&3; exec 3>&-
sleep 1; kill $CPID 2>/dev/null; kill $SPID; wait $SPID 2>/dev/null
rm -f /tmp/idle-histogram-in.$$
cat $OUT.client.log | grep READY
echo "rss: $(cat $OUT.rss0) -> $(cat $OUT.rss1)"
python3 - $OUT.h0 $OUT.h1 <<'PY'
import sys,re
def load(f):
    d={}
    for l in open(f):
        m=re.match(r'\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)',l)
        if m: d[m.group(3)]=(int(m.group(1)),int(m.group(2)))
        m=re.match(r'Total\s+(\d+)\s+(\d+)',l)
        if m: d['TOTAL']=(int(m.group(1)),int(m.group(2)))
    return d
a=load(sys.argv[1]); b=load(sys.argv[2])
rows=[]
for k in set(a)|set(b):
    i0,b0=a.get(k,(0,0)); i1,b1=b.get(k,(0,0))
    rows.append((b1-b0,i1-i0,k))
rows.sort(reverse=True)
for r in rows[:40]: print("%9d B %7d inst  %6.1f B/conn %5.2f/conn %s"%(r[0],r[1],r[0]/8000,r[1]/8000,r[2]))
PY
python3 - $OUT.smaps0 $OUT.smaps1 <<'PY'
import sys,re
def load(f):
    d={};cur=None
    for l in open(f):
        m=re.match(r'^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$',l)
        if m:
            size=(int(m.group(2),16)-int(m.group(1),16))//1024
            cur=(m.group(1),size,m.group(3).strip()); d[cur]=0; continue
        m=re.match(r'^Rss:\s+(\d+) kB',l)
        if m and cur: d[cur]=int(m.group(1))
    return d
a=load(sys.argv[1]); b=load(sys.argv[2])
rows=[]
for k in set(a)|set(b):
    rows.append((b.get(k,0)-a.get(k,0),k))
rows.sort(reverse=True)
tot=sum(r[0] for r in rows)
print("total rss delta",tot,"KiB")
for r in rows[:12]: print("%8d KiB  start=%s size=%dKiB %s"%(r[0],r[1][0],r[1][1],r[1][2]))
PY
