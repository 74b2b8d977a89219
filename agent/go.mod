module godx.dev/agent

go 1.26
