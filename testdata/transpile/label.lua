::lbl::
