namespace Virtlab.Domain;
