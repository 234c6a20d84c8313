module github.com/kafka-wire/kafka-wire/go

go 1.22
