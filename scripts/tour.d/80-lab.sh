# The talk's conclusion, "Testing!" (slides "Conclusion: Testing!", "Watch out for vCPU hot-plug"): a program that
# sizes its worker pool to the CPU count, run on this machine and in three VM worlds, with a vCPU plug and a live
# migration during the run. The lab starts its own two lab hosts (daemons), so $vm is not touched.
section "The lab: your application in both worlds (slide: Conclusion: Testing!)"
say "(host + 3 VM worlds; in each VM a vCPU is plugged at t=4 s, and in one it is then migrated to a second lab host)"
lab_report="${VIRTLAB_TOUR_LAB_REPORT:-$(mktemp -d /tmp/virtlab-tour-lab-XXXXXX)}"
vl lab run lab/examples/worker-pool/tour.yaml --report "$lab_report"
if command -v chromium >/dev/null; then
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,2400 \
    --screenshot="$lab_report/report.png" "file://$lab_report/report.html" >/dev/null 2>&1 || true
fi
say "report:     $lab_report/report.html"
[ -f "$lab_report/report.png" ] && say "screenshot: $lab_report/report.png"
