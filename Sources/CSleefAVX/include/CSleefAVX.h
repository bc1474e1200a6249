// The 256-bit loops are declared in CSleef's vecmath.c, their only caller.
