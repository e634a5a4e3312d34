module gomemlab/goast

go 1.27
