print("hebb")
