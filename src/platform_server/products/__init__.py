"""The product catalog: products, categories, search and recommendations."""
