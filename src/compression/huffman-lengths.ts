/**
 * Optimal (minimum-redundancy) Huffman code lengths, shared by the DEFLATE and zstd encoders, which then limit
 * them to their formats' longest codes in their own ways.
 */

/**
 * Moffat and Katajainen's in-place computation of Huffman code lengths: `a[0, n)` holds frequencies in
 * non-decreasing order on entry and the code lengths on return (n >= 2).
 */
export function minimumRedundancyLengths(a: Int32Array, n: number): void {
  // Phase 1: build the tree, leaving parent pointers in a.
  a[0]! += a[1]!;
  let root = 0;
  let leaf = 2;
  for (let next = 1; next < n - 1; next++) {
    if (leaf >= n || a[root]! < a[leaf]!) {
      a[next] = a[root]!;
      a[root++] = next;
    } else a[next] = a[leaf++]!;
    if (leaf >= n || (root < next && a[root]! < a[leaf]!)) {
      a[next]! += a[root]!;
      a[root++] = next;
    } else a[next]! += a[leaf++]!;
  }
  // Phase 2: depths of the internal nodes.
  a[n - 2] = 0;
  for (let next = n - 3; next >= 0; next--) a[next] = a[a[next]!]! + 1;
  // Phase 3: depths of the leaves.
  let available = 1;
  let usedNodes = 0;
  let depth = 0;
  root = n - 2;
  let next = n - 1;
  while (available > 0) {
    while (root >= 0 && a[root] === depth) {
      usedNodes++;
      root--;
    }
    while (available > usedNodes) {
      a[next--] = depth;
      available--;
    }
    available = 2 * usedNodes;
    depth++;
    usedNodes = 0;
  }
}
