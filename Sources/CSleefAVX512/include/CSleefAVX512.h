// The 512-bit loops are declared in CSleef's vecmath.c, their only caller.
