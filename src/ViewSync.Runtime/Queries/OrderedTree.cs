namespace ViewSync.Queries;

/// <summary>
/// An order-statistic treap: the rows of a live query in query order, with insert, remove, rank and
/// position lookup in O(log n) expected, so one changed row costs O(log n), not a rescan.
/// </summary>
/// <remarks>Nodes are owned by the caller and reused: moving a row is a remove and an insert of the same node.</remarks>
/// <typeparam name="T">The entity type.</typeparam>
internal sealed class OrderedTree<T>
    where T : class
{
    private readonly QueryOrder<T> _order;
    private Node? _root;

    // Deterministic (xorshift) priorities: a query's shape never depends on the process.
    private uint _random = 2463534242;

    public OrderedTree(QueryOrder<T> order) => _order = order;

    public int Count => Size(_root);

    /// <summary>Replaces the contents with <paramref name="sorted"/> (already in query order) in O(n).</summary>
    public void Build(Node[] sorted)
    {
        _root = Build(sorted, 0, sorted.Length, 0);
    }

    /// <summary>Inserts a node (its item and id set) and returns its rank.</summary>
    public int Insert(Node node)
    {
        node.Left = node.Right = null;
        node.Size = 1;
        node.Priority = NextPriority();
        var rank = 0;
        _root = Insert(_root, node, ref rank);
        return rank;
    }

    /// <summary>Removes a node that is in the tree, found by its current item and id, and returns the rank it had.</summary>
    public int Remove(Node node)
    {
        var rank = 0;
        _root = Remove(_root, node, ref rank);
        return rank;
    }

    /// <summary>The node at <paramref name="rank"/> (0-based), which must be less than <see cref="Count"/>.</summary>
    public Node At(int rank)
    {
        var node = _root;
        while (node is not null)
        {
            var left = Size(node.Left);
            if (rank < left)
            {
                node = node.Left;
            }
            else if (rank == left)
            {
                return node;
            }
            else
            {
                rank -= left + 1;
                node = node.Right;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(rank));
    }

    /// <summary>Copies <paramref name="count"/> items from <paramref name="start"/> on, in order, walking the tree once.</summary>
    public void CopyTo(int start, int count, T[] into)
    {
        if (count <= 0)
        {
            return;
        }

        var written = 0;
        var stack = new Stack<Node>();
        var node = _root;
        var skip = start;

        // Descend to the node at rank start, keeping on the stack the ancestors still to visit.
        while (node is not null)
        {
            var left = Size(node.Left);
            if (skip < left)
            {
                stack.Push(node);
                node = node.Left;
            }
            else if (skip == left)
            {
                stack.Push(node);
                break;
            }
            else
            {
                skip -= left + 1;
                node = node.Right;
            }
        }

        while (stack.Count > 0 && written < count)
        {
            var next = stack.Pop();
            into[written++] = next.Item;
            for (var n = next.Right; n is not null; n = n.Left)
            {
                stack.Push(n);
            }
        }
    }

    private static int Size(Node? node) => node?.Size ?? 0;

    private int Compare(Node a, Node b) => _order.Compare(a.Item, a.Id, b.Item, b.Id);

    private uint NextPriority()
    {
        var x = _random;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        _random = x;
        return x;
    }

    private Node? Build(Node[] sorted, int from, int to, int depth)
    {
        if (from >= to)
        {
            return null;
        }

        var mid = from + ((to - from) / 2);
        var node = sorted[mid];

        // Higher levels get higher priorities, so the balanced shape is a valid treap.
        var level = (uint)Math.Max(0, 31 - depth);
        node.Priority = (level << 27) | (NextPriority() >> 5);
        node.Left = Build(sorted, from, mid, depth + 1);
        node.Right = Build(sorted, mid + 1, to, depth + 1);
        node.Size = 1 + Size(node.Left) + Size(node.Right);
        return node;
    }

    private Node Insert(Node? tree, Node node, ref int rank)
    {
        if (tree is null)
        {
            return node;
        }

        if (Compare(node, tree) < 0)
        {
            tree.Left = Insert(tree.Left, node, ref rank);
            tree.Size++;
            return tree.Left.Priority > tree.Priority ? RotateRight(tree) : tree;
        }

        rank += Size(tree.Left) + 1;
        tree.Right = Insert(tree.Right, node, ref rank);
        tree.Size++;
        return tree.Right.Priority > tree.Priority ? RotateLeft(tree) : tree;
    }

    private Node? Remove(Node? tree, Node node, ref int rank)
    {
        if (tree is null)
        {
            throw new InvalidOperationException($"Live query row '{node.Id}' is missing from its ordered set: a sort key changed without the entity's value changing.");
        }

        if (ReferenceEquals(tree, node))
        {
            rank += Size(tree.Left);
            return Merge(tree.Left, tree.Right);
        }

        if (Compare(node, tree) < 0)
        {
            tree.Left = Remove(tree.Left, node, ref rank);
        }
        else
        {
            rank += Size(tree.Left) + 1;
            tree.Right = Remove(tree.Right, node, ref rank);
        }

        tree.Size--;
        return tree;
    }

    private static Node? Merge(Node? left, Node? right)
    {
        if (left is null)
        {
            return right;
        }

        if (right is null)
        {
            return left;
        }

        if (left.Priority > right.Priority)
        {
            left.Right = Merge(left.Right, right);
            left.Size = 1 + Size(left.Left) + Size(left.Right);
            return left;
        }

        right.Left = Merge(left, right.Left);
        right.Size = 1 + Size(right.Left) + Size(right.Right);
        return right;
    }

    private static Node RotateRight(Node tree)
    {
        var left = tree.Left!;
        tree.Left = left.Right;
        left.Right = tree;
        tree.Size = 1 + Size(tree.Left) + Size(tree.Right);
        left.Size = 1 + Size(left.Left) + tree.Size;
        return left;
    }

    private static Node RotateLeft(Node tree)
    {
        var right = tree.Right!;
        tree.Right = right.Left;
        right.Left = tree;
        tree.Size = 1 + Size(tree.Left) + Size(tree.Right);
        right.Size = 1 + tree.Size + Size(right.Right);
        return right;
    }

    /// <summary>One row: the decoded entity, its id and the store revision it was decoded from.</summary>
    internal sealed class Node(string id, T item, long revision)
    {
        public readonly string Id = id;
        public T Item = item;
        public long Revision = revision;
        public Node? Left;
        public Node? Right;
        public int Size = 1;
        public uint Priority;
    }
}
