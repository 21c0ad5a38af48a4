return await Virtlab.Lab.LabApp.RunAsync(args).ConfigureAwait(false);
