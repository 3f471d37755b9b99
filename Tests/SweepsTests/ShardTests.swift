import Testing
import Sweeps

@Suite struct ShardTests {
    @Test(arguments: [1, 2, 3, 7]) func shardsAreDisjointCoveringAndDeterministic(count: Int) {
        let indices = 0..<32
        let owners = indices.map { point in (0..<count).filter { Shard(index: $0, count: count).owns(pointIndex: point) } }
        #expect(owners.allSatisfy { $0.count == 1 })
        let again = indices.map { point in (0..<count).filter { Shard(index: $0, count: count).owns(pointIndex: point) } }
        #expect(owners == again)
        let sizes = (0..<count).map { shard in indices.filter { Shard(index: shard, count: count).owns(pointIndex: $0) }.count }
        #expect(sizes.max()! - sizes.min()! <= 1)
    }

    @Test func parsingShardsAndSlurmArrays() throws {
        #expect(try Shard(parsing: "2/3") == Shard(index: 2, count: 3))
        for bad in ["3/3", "-1/3", "1", "a/b", "0/0"] {
            #expect(throws: SweepError.self) { try Shard(parsing: bad) }
        }
        #expect(try Shard(slurmEnvironment: [:]) == nil)
        #expect(try Shard(slurmEnvironment: ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "5"]) == Shard(index: 4, count: 5))
        #expect(try Shard(slurmEnvironment: ["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "5", "SLURM_ARRAY_TASK_MIN": "1"])
            == Shard(index: 4, count: 5))
        #expect(throws: SweepError.self) { try Shard(slurmEnvironment: ["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "5"]) }
    }
}
