"""One executed agreement offered to every department: the general offer and its adoptions."""
