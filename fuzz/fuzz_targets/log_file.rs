//! A log segment or snapshot file: read batch by batch, every record
//! decoded (CRC checked unless the first byte is 0), and decoded again as
//! each internal topic stores its records. Reading ends with batches, a
//! truncated tail or an error, never a panic, and the batches tile the
//! bytes read.
#![no_main]
use kafka_wire::log::{InternalTopic, LogReader};
use kafka_wire::records::DecodeOptions;
use kafka_wire_fuzz::{with_allocation_limit, CountingAllocator, LOG_FILE, MAX_DECOMPRESSED};
use libfuzzer_sys::fuzz_target;

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator;

fuzz_target!(|data: &[u8]| {
    with_allocation_limit(data, LOG_FILE, || {
        // The CRC is checked unless the first byte (a real segment's: the
        // high byte of the first offset) is 0, so that mutated records get
        // past it and reach the record and internal-topic decoders.
        let verify_crc = data.first().is_some_and(|&b| b != 0);
        let options = DecodeOptions { max_decompressed_size: MAX_DECOMPRESSED, verify_crc };
        let mut reader = LogReader::new(data).with_options(options);
        let mut position = 0;
        for batch in &mut reader {
            let Ok(batch) = batch else { break };
            assert_eq!(batch.position, position, "batches tile the file");
            position += batch.size();
            let _ = batch.records();
            for &topic in InternalTopic::ALL {
                let _ = batch.stored_records(topic);
            }
        }
        assert!(reader.position() <= data.len() as u64);
    });
});
