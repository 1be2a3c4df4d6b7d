print("scry")
