section "Done"
vl destroy "$vm"
vl list --all
