# Raspberry Pi boot tests (filled in by the Pi 4 work).
