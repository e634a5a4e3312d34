module gomemlab/reaper

go 1.21
