# Sourced by the bench scripts that measure the demo application over HTTP.
# free_port: a loopback port nobody listens on. await_demo PID LOG: waits until the application listens, or stops
# the script with its log when it exited.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
await_demo() {
    for _ in $(seq 1 600); do
        grep -q "Listening on" "$2" 2>/dev/null && return 0
        kill -0 "$1" 2>/dev/null || { cat "$2"; exit 1; }
        sleep 0.1
    done
    echo "the demo did not start within 60 s" >&2
    exit 1
}
