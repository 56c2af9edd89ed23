"""Memory: embeddings, the durable store and its index, recall, reflections, entities, emotion."""
