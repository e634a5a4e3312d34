module gosamples

go 1.27
