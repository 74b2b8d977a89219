module godx.test/gen

go 1.19
